import type { Mode } from '@beyond-ntp-examples/kit';

/** Heads of every model decoded here; k = 1 … HEADS drafters are compared. */
export const HEADS = 4;

/** The values of k compared: 1 … HEADS. */
export const KS: readonly number[] = Array.from({ length: HEADS }, (_, i) => i + 1);

/** The conditions, in report and legend order: heads trained with the model, and heads added afterwards. */
export const CONDITIONS = ['joint', 'heads-added'] as const;

/** Everything one mode runs: data, model, training budgets and the decoding measurement. */
export interface Plan {
  /** Training stories (≈ 470 characters each) and held-out stories (prompts). */
  stories: { trainCount: number; testCount: number };
  /** Model shape (the vocabulary comes from the data): `nLayers` blocks on the next-token path, 4 heads. */
  model: { contextLength: number; dModel: number; nLayers: number; nHeads: number };
  /** Updates of the joint 4-head model, and of the next-token base of the heads-added variant. */
  steps: number;
  /** Updates of the added heads on the frozen next-token model. */
  headSteps: number;
  /** Windows per batch; each window is `contextLength` characters. */
  batch: number;
  /** Peak learning rate (linear warmup, cosine decay to a tenth). */
  lr: number;
  /** Warmup updates. */
  warmupSteps: number;
  /** Prompts decoded (the same prompts in every run). */
  prompts: number;
  /** Characters per prompt. */
  promptLength: number;
  /** New tokens per prompt; prompt + new − 1 fits the context. */
  maxNewTokens: number;
  /** Timed rounds after the warm-up round (each round decodes every prompt with every decoder). */
  rounds: number;
}

/**
 * What each mode runs. Budgets come from CPU time per update measured on the loaded 2-core machine before any
 * result (README, "Budgets"): quick ≈ 5 min and full ≈ 22 min of an otherwise idle machine. A first quick run with
 * 200 updates of batch 24 × 96 at rate 2e-3 left the model untrained (README), so updates were made cheaper and
 * more numerous, at a higher rate, before any full run.
 */
export function planFor(mode: Mode): Plan {
  const stories = { trainCount: 2000, testCount: 16 };
  const model = { contextLength: 64, dModel: 64, nLayers: 4, nHeads: 4 };
  const decode = { promptLength: 16, maxNewTokens: 49 };
  const recipe = { batch: 16, lr: 4e-3, warmupSteps: 50 };
  switch (mode) {
    case 'smoke':
      return {
        stories: { trainCount: 20, testCount: 2 },
        model: { contextLength: 32, dModel: 16, nLayers: 2, nHeads: 2 },
        steps: 3,
        headSteps: 2,
        batch: 4,
        lr: 2e-3,
        warmupSteps: 1,
        prompts: 2,
        promptLength: 8,
        maxNewTokens: 12,
        rounds: 1,
      };
    case 'quick':
      return { stories, model, ...recipe, ...decode, steps: 500, headSteps: 250, prompts: 6, rounds: 2 };
    case 'full':
      return { stories, model, ...recipe, ...decode, steps: 1000, headSteps: 500, prompts: 8, rounds: 3 };
  }
}
