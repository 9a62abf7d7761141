import type { ModelConfigInput } from '@beyond-ntp/transformer-core';
import type { Mode } from '@beyond-ntp-examples/kit';
import type { OrderKind } from './orders.js';
import type { Recipe } from './train-task.js';

/** One group of conditions: one task, one model and recipe, several emission orders. */
export interface TaskPlan {
  /** Prefix of the group's condition names (`mul2`, `mul3`, `labels`). */
  group: string;
  /** The task. */
  task: 'multiplication' | 'labels';
  /** Digits per operand (multiplication only). */
  digits?: number;
  /** Orders compared, each one condition. */
  orders: readonly OrderKind[];
  /** Training and held-out set sizes. */
  trainCount: number;
  /** Held-out problems, all scored at every evaluation. */
  testCount: number;
  /** Architecture, without the vocabulary and context, which the task fills in. */
  model: Omit<ModelConfigInput, 'vocabSize' | 'contextLength'>;
  /** Optimisation. */
  recipe: Recipe;
}

const ALL_ORDERS: readonly OrderKind[] = ['plain', 'reverse', 'mi-chain', 'mi-sum', 'random'];
const LABEL_ORDERS: readonly OrderKind[] = ['plain', 'reverse', 'mi-chain', 'random'];

/** The calibration's optimiser settings; only steps and the evaluation schedule change between modes. */
const recipe = (steps: number, evalEvery: number, warmupSteps = 100): Recipe => ({
  steps,
  batch: 64,
  lr: 1e-3,
  warmupSteps: Math.min(warmupSteps, steps),
  evalEvery,
});

/** The multiplication model: half the calibration's width (d=128, 4 layers) so the budgets fit, see the README. */
const MUL_MODEL = { dModel: 64, nLayers: 4, nHeads: 4 };
/** The multi-label model: two layers suffice for keyword → label; its sequences are ~4× longer. */
const LABEL_MODEL = { dModel: 64, nLayers: 2, nHeads: 4 };
/** Smoke mode checks the plumbing only. */
const TINY_MODEL = { dModel: 16, nLayers: 1, nHeads: 2 };

/**
 * What each mode runs. Budgets were set from the training speed measured on this machine's wasm backend
 * before any result was seen (README, "Budgets"): full ≈ 30 min and quick ≈ 5 min of an otherwise idle
 * 2-core machine. With `mul2Steps` (`--mul2-steps`) only the mode's 2×2 group runs, that many steps long and
 * evaluated 20 times (e.g. 3,000: the horizon where the calibration saw reverse lead plain).
 */
export function planFor(mode: Mode, mul2Steps?: number): TaskPlan[] {
  const plans = modePlans(mode);
  if (mul2Steps === undefined) return plans;
  return plans
    .filter((plan) => plan.group === 'mul2')
    .map((plan) => ({
      ...plan,
      recipe: {
        ...plan.recipe,
        steps: mul2Steps,
        warmupSteps: Math.min(plan.recipe.warmupSteps, mul2Steps),
        evalEvery: Math.max(1, Math.round(mul2Steps / 20)),
      },
    }));
}

function modePlans(mode: Mode): TaskPlan[] {
  const mul2 = { group: 'mul2', task: 'multiplication', digits: 2, orders: ALL_ORDERS } as const;
  const mul3 = { group: 'mul3', task: 'multiplication', digits: 3, orders: ALL_ORDERS } as const;
  const labels = { group: 'labels', task: 'labels', orders: LABEL_ORDERS } as const;
  switch (mode) {
    case 'smoke':
      return [
        { ...mul2, trainCount: 256, testCount: 64, model: TINY_MODEL, recipe: recipe(6, 3, 2) },
        { ...mul3, trainCount: 256, testCount: 64, model: TINY_MODEL, recipe: recipe(4, 2, 2) },
        { ...labels, trainCount: 128, testCount: 32, model: TINY_MODEL, recipe: recipe(4, 2, 2) },
      ];
    case 'quick':
      return [
        {
          ...mul2,
          orders: ['plain', 'reverse', 'mi-chain', 'random'],
          trainCount: 8000,
          testCount: 2000,
          model: MUL_MODEL,
          recipe: recipe(350, 70),
        },
      ];
    case 'full':
      return [
        { ...mul2, trainCount: 8000, testCount: 2000, model: MUL_MODEL, recipe: recipe(1200, 150) },
        {
          ...mul3,
          orders: ['plain', 'reverse', 'mi-chain', 'random'],
          trainCount: 50_000,
          testCount: 2000,
          model: MUL_MODEL,
          recipe: recipe(500, 100),
        },
        { ...labels, trainCount: 4000, testCount: 500, model: LABEL_MODEL, recipe: recipe(200, 40, 20) },
      ];
  }
}
