import type { ModelConfigInput } from '@beyond-ntp/transformer-core';
import type { Condition, Json, Mode, TrainRecipe } from '@beyond-ntp-examples/kit';

/** A next-token baseline's architecture; the multi-token models are matched to it. */
export type ModelSize = Pick<ModelConfigInput, 'dModel' | 'nLayers' | 'nHeads'>;

/** What one condition stores with its results. */
export interface ConditionConfig {
  /** Output heads n (1, 2 or 4), parameter-matched to the baseline `size`. */
  heads: number;
  /** The baseline's size. */
  size: ModelSize;
  /** Problems per batch. */
  batch: number;
  /** Held-out problems per operation count m. */
  perOps: number;
  /** Optimisation. */
  recipe: TrainRecipe;
}

/**
 * The paper's shared settings (App. M: AdamW β = (0.9, 0.95), weight decay 0.1, clipping at 1, warmup then
 * cosine decay to 0.03×) at the learning rate and warmup of the induction calibration (3e-3, 100 steps), fixed
 * before any result. β, weight decay and clipping are `trainRun`'s defaults, which are those settings.
 */
function recipe(steps: number, evalEvery: number): TrainRecipe {
  return { steps, evalEvery, lr: 3e-3, warmupSteps: 100, finalLrFraction: 0.03 };
}

/** Five blocks, so the 4-token model keeps one shared block under its four head blocks. */
const BASE: ModelSize = { dModel: 64, nLayers: 5, nHeads: 4 };
/** About 3× the weights of `BASE` (d² scaling: 112² / 64² = 3.06), trained next-token only. */
const LARGER: ModelSize = { dModel: 112, nLayers: 5, nHeads: 4 };
const SMALL: ModelSize = { dModel: 32, nLayers: 5, nHeads: 4 };
const TINY: ModelSize = { dModel: 16, nLayers: 5, nHeads: 2 };

/** Size, steps and evaluation of each mode (budgets: README, "Budgets"). */
const MODES: Record<Mode, { size: ModelSize; steps: number; evalEvery: number; perOps: number }> = {
  smoke: { size: TINY, steps: 4, evalEvery: 2, perOps: 2 },
  quick: { size: SMALL, steps: 150, evalEvery: 50, perOps: 50 },
  full: { size: BASE, steps: 400, evalEvery: 100, perOps: 100 },
};

/** A condition's name: `n<heads>`, or `n1-3x` for the larger next-token model. */
export const conditionName = (heads: number, larger = false): string => `n${heads}${larger ? '-3x' : ''}`;

/** Head counts compared, each parameter-matched to the mode's baseline. */
export const HEADS = [1, 2, 4];

/**
 * The conditions of a mode: 1-, 2- and 4-token models of the mode's size, and with `larger` (full mode only) the
 * next-token model about 3× their size.
 */
export function conditionsFor(mode: Mode, larger: boolean): Condition<Json>[] {
  const plan = MODES[mode];
  const condition = (heads: number, size: ModelSize, name: string, weight: number): Condition<Json> => {
    const config: ConditionConfig = {
      heads,
      size,
      batch: mode === 'smoke' ? 4 : 32,
      perOps: plan.perOps,
      recipe: recipe(plan.steps, plan.evalEvery),
    };
    return { name, config: config as unknown as Json, units: plan.steps, weight };
  };
  // Weights: measured cost per step relative to the next-token model (README, "Budgets").
  const conditions = HEADS.map((heads) =>
    condition(heads, plan.size, conditionName(heads), 1 + 0.1 * (heads - 1)),
  );
  if (larger && mode === 'full') conditions.push(condition(1, LARGER, conditionName(1, true), 2.2));
  return conditions;
}
