import { invalidOption, shown, type TargetReorderError } from '../errors.js';
import type { EstimatorChoice } from '../estimators/estimator.js';
import { type DiscreteVariable, jointOf } from '../estimators/variable.js';
import { estimateOver, type TargetDataInput, toTargetData } from './mi-table.js';
import {
  checkSourceDefinition,
  describeSource,
  type SourceDefinition,
  sourceScore,
} from './source-definition.js';

/** The ordering strategies of {@link chooseOrder}. */
export type OrderStrategy = 'plain' | 'reverse' | 'max-mi-greedy' | 'max-mi-chain' | 'custom';

/** Every {@link OrderStrategy}, for validation. */
export const ORDER_STRATEGIES: readonly OrderStrategy[] = [
  'plain',
  'reverse',
  'max-mi-greedy',
  'max-mi-chain',
  'custom',
];

/** Options of {@link chooseOrder} for the fixed orders: natural (`plain`) or last-to-first (`reverse`). */
export interface FixedOrderOptions {
  /** `plain` keeps the natural order 0, 1, …; `reverse` emits L−1, …, 0 (least significant digit first). */
  strategy: 'plain' | 'reverse';
  /** Number of target positions L. */
  length: number;
}

/** Options of {@link chooseOrder} for the information-driven orders. */
export interface MiOrderOptions {
  /**
   * - `max-mi-greedy`: sort positions by their unconditional score I(S; tᵢ), highest first;
   * - `max-mi-chain`: pick one position at a time, the one with the highest I(S; tᵢ | targets already
   *   emitted). With `source: 'whole'` and targets that are a function of the input, this is the digest's
   *   "maximise H(t | already-emitted targets)", since then I(S; t | E) = H(t | E) − H(t | S, E) = H(t | E).
   */
  strategy: 'max-mi-greedy' | 'max-mi-chain';
  /** The samples. */
  data: TargetDataInput;
  /**
   * What the source S is.
   * @default 'whole'
   */
  source?: SourceDefinition;
  /**
   * How entropies are estimated.
   * @default 'plug-in'
   */
  estimator?: EstimatorChoice;
}

/** Options of {@link chooseOrder} for an order given by the caller. */
export interface CustomOrderOptions {
  /** A caller-chosen order. */
  strategy: 'custom';
  /** `positions[k]` = the natural position emitted k-th; a permutation of 0 … L−1. */
  positions: readonly number[];
  /** What the order is, recorded with it (e.g. `'hundreds first'`). */
  name?: string;
}

/** Options of {@link chooseOrder}: one shape per strategy. */
export type ChooseOrderOptions = FixedOrderOptions | MiOrderOptions | CustomOrderOptions;

/** An emission order of L target positions, with a record of what produced it. */
export interface TargetOrder {
  /** `positions[k]` = the natural target position emitted k-th. */
  readonly positions: readonly number[];
  /** The strategy that produced the order. */
  readonly strategy: OrderStrategy;
  /** Name of the entropy estimator used, or `null` when none was (plain, reverse, custom). */
  readonly estimator: string | null;
  /** The source definition scored, or `null` when none was. */
  readonly source: SourceDefinition | null;
  /**
   * The score (bits) of each emitted position when it was chosen, in emission order: I(S; t) for greedy,
   * I(S; t | earlier targets) for the chain; `null` for orders chosen without scores.
   */
  readonly scores: readonly number[] | null;
  /** The caller's name for a custom order, else `null`. */
  readonly name: string | null;
}

/**
 * Scores within this many bits are ties, broken towards the lower position, so an order never depends on
 * the summation order of mathematically equal entropies.
 */
const TIE_BITS = 1e-9;

/** The index of the highest score, ties (within {@link TIE_BITS}) to the earliest candidate. */
function best(scores: readonly number[]): number {
  let arg = 0;
  for (let c = 1; c < scores.length; c++) {
    if ((scores[c] as number) > (scores[arg] as number) + TIE_BITS) arg = c;
  }
  return arg;
}

/**
 * Checks that `positions` is a permutation of 0 … L−1 (of `length` when given) and copies it. `fail` builds
 * the error, so the same check serves options (`INVALID_OPTION`) and stored JSON (`INVALID_JSON`).
 */
export function checkPermutation(
  positions: unknown,
  field: string,
  length?: number,
  fail: (field: string, message: string) => TargetReorderError = invalidOption,
): number[] {
  if (!Array.isArray(positions) || positions.length === 0) {
    throw fail(field, `must be a non-empty array of positions (got ${shown(positions)})`);
  }
  const n = positions.length;
  if (length !== undefined && n !== length) {
    throw fail(field, `has ${n} positions but the target has ${length}`);
  }
  const seen = new Uint8Array(n);
  for (const [k, p] of positions.entries()) {
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p >= n) {
      throw fail(`${field}[${k}]`, `must be an integer position in 0..${n - 1} (got ${shown(p)})`);
    }
    if (seen[p]) throw fail(`${field}[${k}]`, `repeats position ${p}; each position must appear once`);
    seen[p] = 1;
  }
  return [...positions] as number[];
}

function fixedOrder(options: FixedOrderOptions): TargetOrder {
  const { length } = options;
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 1) {
    throw invalidOption('length', `must be a positive integer (got ${shown(length)})`);
  }
  const natural = Array.from({ length }, (_, i) => i);
  return {
    positions: options.strategy === 'plain' ? natural : natural.reverse(),
    strategy: options.strategy,
    estimator: null,
    source: null,
    scores: null,
    name: null,
  };
}

function miOrder(options: MiOrderOptions): TargetOrder {
  const data = toTargetData(options.data);
  const source = checkSourceDefinition(options.source ?? 'whole', 'source', data.source.length);
  const estimate = estimateOver(data, options.estimator);
  const remaining = data.target.map((_, i) => i);
  const positions: number[] = [];
  const scores: number[] = [];
  if (options.strategy === 'max-mi-greedy') {
    const all = remaining.map((i) => sourceScore(estimate, data, source, i, []));
    while (remaining.length > 0) {
      const k = best(remaining.map((i) => all[i] as number));
      const [i] = remaining.splice(k, 1) as [number];
      positions.push(i);
      scores.push(all[i] as number);
    }
  } else {
    // The emitted targets are kept as one joint variable, extended by one position per step.
    let emitted: DiscreteVariable[] = [];
    while (remaining.length > 0) {
      const candidates = remaining.map((i) => sourceScore(estimate, data, source, i, emitted));
      const k = best(candidates);
      const [i] = remaining.splice(k, 1) as [number];
      positions.push(i);
      scores.push(candidates[k] as number);
      emitted = [jointOf([...emitted, data.target[i] as DiscreteVariable], data.count)];
    }
  }
  return {
    positions,
    strategy: options.strategy,
    estimator: estimate.estimator.name,
    source,
    scores,
    name: null,
  };
}

/**
 * Chooses the order in which target positions are emitted. Fixed orders need only the length; the MI
 * strategies score positions on the data with the chosen estimator and source definition; a custom order is
 * validated and recorded as given. Every result records how it was produced.
 */
export function chooseOrder(options: ChooseOrderOptions): TargetOrder {
  if (typeof options !== 'object' || options === null) {
    throw invalidOption('options', 'must be an object with a `strategy`');
  }
  switch (options.strategy) {
    case 'plain':
    case 'reverse':
      return fixedOrder(options);
    case 'max-mi-greedy':
    case 'max-mi-chain':
      return miOrder(options);
    case 'custom': {
      const name = options.name ?? null;
      if (name !== null && typeof name !== 'string') throw invalidOption('name', 'must be a string');
      return {
        positions: checkPermutation(options.positions, 'positions'),
        strategy: 'custom',
        estimator: null,
        source: null,
        scores: null,
        name,
      };
    }
    default:
      throw invalidOption(
        'strategy',
        `must be one of ${ORDER_STRATEGIES.join(', ')} (got ${shown((options as { strategy: unknown }).strategy)})`,
      );
  }
}

/** One line describing an order and its provenance, e.g. `max-mi-chain (whole input, exact): 2 1 3 0`. */
export function describeOrder(order: TargetOrder): string {
  const how = [
    order.name,
    order.source === null ? null : describeSource(order.source),
    order.estimator,
  ].filter((part) => part !== null);
  return `${order.strategy}${how.length > 0 ? ` (${how.join(', ')})` : ''}: ${order.positions.join(' ')}`;
}
