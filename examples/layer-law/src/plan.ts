import type { Mode } from '@beyond-ntp-examples/kit';
import type { CorpusPlan } from './corpus.js';

/** Everything a mode fixes: data, model, optimisation and when the probe runs. */
export interface LayerLawPlan {
  /** The text. */
  corpus: CorpusPlan;
  /** Architecture without the vocabulary and context, which the corpus fills in. */
  model: { dModel: number; nLayers: number; nHeads: number };
  /** Updates. */
  steps: number;
  /** Windows per update. */
  batch: number;
  /** Peak learning rate, reached after `warmupSteps` and decayed by a cosine to `minLr` at the last step. */
  lr: number;
  /** Final learning rate. */
  minLr: number;
  /** Linear warmup updates. */
  warmupSteps: number;
  /** Training checkpoints (for resuming an interrupted run) every this many updates. */
  checkpointEvery: number;
  /** The steps whose model is probed, 0 (the initialisation) and the last included. */
  probeSteps: number[];
}

/**
 * Where in training the probe runs, as fractions of the steps: dense early, where the calibration saw PR's
 * profile over depth change, then evenly spaced.
 */
const PROBE_FRACTIONS = [0, 0.02, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1];

/** The probed steps of a run of `steps` updates: {@link PROBE_FRACTIONS} of it, rounded, distinct, ascending. */
export function probeStepsFor(steps: number): number[] {
  return [...new Set(PROBE_FRACTIONS.map((f) => Math.round(f * steps)))].sort((a, b) => a - b);
}

/** The model of quick and full: 6 blocks on the next-token path, as in the calibration. */
const MODEL = { dModel: 64, nLayers: 6, nHeads: 4 };

const plan = (fields: Omit<LayerLawPlan, 'probeSteps'>): LayerLawPlan => ({
  ...fields,
  probeSteps: probeStepsFor(fields.steps),
});

/** Quick and full: the same model, probe set and recipe; more stories and steps in full. */
const trained = (args: { trainStories: number; steps: number }): LayerLawPlan =>
  plan({
    corpus: {
      trainStories: args.trainStories,
      probeStories: 150,
      vocabSize: 1024,
      contextLength: 64,
      probeWindows: 128,
    },
    model: MODEL,
    lr: 1e-3,
    minLr: 1e-4,
    batch: 16,
    steps: args.steps,
    warmupSteps: args.steps / 10,
    checkpointEvery: args.steps / 4,
  });

/**
 * What each mode runs. Budgets were set from the training speed measured by CPU time on this (loaded) machine's
 * wasm backend before any result was seen (README, "Budgets"): full ≈ 20 min and quick ≈ 4 min of an otherwise
 * idle 2-core machine.
 */
export function planFor(mode: Mode): LayerLawPlan {
  switch (mode) {
    case 'smoke':
      return plan({
        corpus: { trainStories: 200, probeStories: 20, vocabSize: 320, contextLength: 16, probeWindows: 16 },
        model: { dModel: 16, nLayers: 6, nHeads: 2 },
        lr: 1e-3,
        minLr: 1e-4,
        batch: 4,
        steps: 6,
        warmupSteps: 2,
        checkpointEvery: 3,
      });
    case 'quick':
      return trained({ trainStories: 4000, steps: 200 });
    case 'full':
      return trained({ trainStories: 8000, steps: 500 });
  }
}
