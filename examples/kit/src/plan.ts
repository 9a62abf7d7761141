import { KitError } from './errors.js';
import { type Condition, type Experiment, type Mode, type RunIdentity, SAFE_NAME } from './experiment.js';
import { assertJson, type Json } from './json.js';

/** One run of the plan: a condition with a seed. */
export interface PlannedRun<C extends Json = Json> extends RunIdentity<C> {
  /** Relative cost of one unit. */
  weight: number;
  /** Conditions whose same-seed runs this run builds on (they come earlier in the plan). */
  dependsOn: string[];
}

/** The {@link RunIdentity} part of a planned run or a stored result. */
export function runIdentity<C extends Json>(run: RunIdentity<C>): RunIdentity<C> {
  const { id, condition, seed, mode, config, units } = run;
  return { id, condition, seed, mode, config, units };
}

/**
 * The runs of an experiment in a mode, seed-major (every condition with the first seed, then with the next), so an
 * experiment stopped early has whole seeds to compare. Checks the conditions: unique safe names, JSON configs,
 * positive integer units, positive weights.
 */
export function planRuns<C extends Json>(
  conditions: readonly Condition<C>[],
  seeds: readonly number[],
  mode: Mode,
): PlannedRun<C>[] {
  if (!Array.isArray(conditions) || conditions.length === 0) {
    throw new KitError('INVALID_EXPERIMENT', 'conditions', `returned no conditions for mode ${mode}`);
  }
  const names = new Set<string>();
  for (const [i, condition] of conditions.entries()) checkCondition(condition, `conditions[${i}]`, names);
  return seeds.flatMap((seed) =>
    conditions.map((condition) => ({
      id: `${condition.name}-seed${seed}`,
      condition: condition.name,
      seed,
      mode,
      config: condition.config,
      units: condition.units,
      weight: condition.weight ?? 1,
      dependsOn: condition.dependsOn ?? [],
    })),
  );
}

/** Plans the runs of `experiment` in `mode` with the given seeds (see {@link planRuns}). */
export function planExperiment<C extends Json>(
  experiment: Experiment<C>,
  args: { mode: Mode; seeds: readonly number[]; options: Record<string, string | boolean | undefined> },
): PlannedRun<C>[] {
  return planRuns(experiment.conditions({ mode: args.mode, options: args.options }), args.seeds, args.mode);
}

function checkCondition(condition: Condition, field: string, names: Set<string>): void {
  if (typeof condition?.name !== 'string' || !SAFE_NAME.test(condition.name)) {
    throw new KitError(
      'INVALID_EXPERIMENT',
      `${field}.name`,
      `must be letters, digits, ".", "_" or "-" (it names files), got ${JSON.stringify(condition?.name)}`,
    );
  }
  if (names.has(condition.name)) {
    throw new KitError('INVALID_EXPERIMENT', `${field}.name`, `"${condition.name}" is used twice`);
  }
  names.add(condition.name);
  assertJson(condition.config, `${field}.config`);
  if (!Number.isInteger(condition.units) || condition.units < 1) {
    throw new KitError(
      'INVALID_EXPERIMENT',
      `${field}.units`,
      `must be a positive integer, got ${condition.units}`,
    );
  }
  const dependsOn = condition.dependsOn ?? [];
  if (!Array.isArray(dependsOn)) {
    throw new KitError('INVALID_EXPERIMENT', `${field}.dependsOn`, 'must be a list of condition names');
  }
  for (const [j, name] of dependsOn.entries()) {
    if (!names.has(name) || name === condition.name) {
      throw new KitError(
        'INVALID_EXPERIMENT',
        `${field}.dependsOn[${j}]`,
        `"${name}" must name a condition listed before "${condition.name}", so that its run finishes first`,
      );
    }
  }
  const weight = condition.weight ?? 1;
  if (!Number.isFinite(weight) || weight <= 0) {
    throw new KitError('INVALID_EXPERIMENT', `${field}.weight`, `must be a positive number, got ${weight}`);
  }
}
