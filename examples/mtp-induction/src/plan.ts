import type { ModelConfigInput } from '@beyond-ntp/transformer-core';
import type { Condition, Json, Mode, TrainRecipe } from '@beyond-ntp-examples/kit';

/** A next-token baseline's architecture; the multi-token models are matched to it. */
export type ModelSize = Pick<ModelConfigInput, 'dModel' | 'nLayers' | 'nHeads'>;

/** What one condition stores with its results. */
export interface ConditionConfig {
  /** Output heads n: 1 (next token) or 2 (next two tokens), parameter-matched. */
  heads: number;
  /** The baseline's size. */
  size: ModelSize;
  /** Stories per batch. */
  batch: number;
  /** Held-out stories scored at every evaluation. */
  testCount: number;
  /** Optimisation. */
  recipe: TrainRecipe;
}

/**
 * The calibration's optimisation (README): AdamW β = (0.9, 0.95), weight decay 0.1, clipping at 1, lr 3e-3 with
 * 100 warmup steps and cosine decay to 0.03× (β, weight decay and clipping are `trainRun`'s defaults, which are
 * these). Only the number of steps changes between modes.
 */
function recipe(steps: number, evalEvery: number): TrainRecipe {
  return { steps, evalEvery, lr: 3e-3, warmupSteps: 100, finalLrFraction: 0.03 };
}

const SMALL: ModelSize = { dModel: 32, nLayers: 3, nHeads: 4 };
/** The calibration's model. */
const CALIBRATION: ModelSize = { dModel: 64, nLayers: 3, nHeads: 4 };
const TINY: ModelSize = { dModel: 16, nLayers: 3, nHeads: 2 };

/** Sizes, steps and evaluation schedule of each mode (budgets: README, "Budgets"). */
const MODES: Record<Mode, { sizes: ModelSize[]; steps: number; evalEvery: number; testCount: number }> = {
  smoke: { sizes: [TINY], steps: 4, evalEvery: 2, testCount: 8 },
  quick: { sizes: [SMALL], steps: 120, evalEvery: 40, testCount: 200 },
  full: { sizes: [SMALL, CALIBRATION], steps: 300, evalEvery: 50, testCount: 200 },
};

/** A condition's name: `n<heads>-d<dModel>`. */
export const conditionName = (heads: number, size: ModelSize): string => `n${heads}-d${size.dModel}`;

/**
 * The conditions of a mode: next-token (n = 1) and 2-token (n = 2) models at each size. `steps` overrides the
 * mode's steps (e.g. 4000, the calibration's length), evaluating 8 times per run.
 */
export function conditionsFor(mode: Mode, steps?: number): Condition<Json>[] {
  const plan = MODES[mode];
  const total = steps ?? plan.steps;
  const evalEvery = steps === undefined ? plan.evalEvery : Math.max(1, Math.round(steps / 8));
  return plan.sizes.flatMap((size) =>
    [1, 2].map((heads) => {
      const config: ConditionConfig = {
        heads,
        size,
        batch: mode === 'smoke' ? 4 : 32,
        testCount: plan.testCount,
        recipe: recipe(total, evalEvery),
      };
      return {
        name: conditionName(heads, size),
        config: config as unknown as Json,
        units: total,
        // Measured cost per step relative to the d=64 next-token model (README, "Budgets").
        weight: (size.dModel / 64) * (heads === 2 ? 1.2 : 1),
      };
    }),
  );
}

/** The sizes a mode runs, smallest first. */
export const sizesOf = (mode: Mode): ModelSize[] => MODES[mode].sizes;
