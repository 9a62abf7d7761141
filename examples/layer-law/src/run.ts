import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { multiTokenGradients, multiTokenLossFn } from '@beyond-ntp/losses-multitoken';
import { Rng } from '@beyond-ntp/synth-tasks';
import { createModel, train, warmupCosineSchedule } from '@beyond-ntp/transformer-core';
import type { Json, RunContext } from '@beyond-ntp-examples/kit';
import { type Corpus, corpusFor } from './corpus.js';
import type { LayerLawPlan } from './plan.js';
import { type CheckpointProbe, probeCheckpoint } from './probe-checkpoint.js';

/** What one condition stores with its results. */
export interface ConditionConfig {
  /** The mode's plan. */
  plan: LayerLawPlan;
  /** Output heads: 1, a next-token model; 2, a 2-token-prediction model with the same next-token path. */
  heads: number;
}

/**
 * The batch of update `step`: `batch` windows of the training stream at offsets drawn from a generator seeded by
 * the run's seed and the step, so a resumed run sees exactly the batches it would have.
 */
export function batchAt(args: { corpus: Corpus; batch: number; length: number; seed: number; step: number }) {
  const { corpus, batch, length, seed, step } = args;
  const rng = new Rng(`layer-law/batches/${seed}/${step}`);
  const ids = Array.from({ length: batch }, () => {
    const start = rng.int(0, corpus.train.length - length);
    return Array.from(corpus.train.subarray(start, start + length));
  });
  return { ids };
}

/** Curves recorded per probe, per entry l (0 = embedding output): `pr.<l>`, `prOneHot.<l>`. */
export const prCurve = (l: number) => `pr.${l}`;
/** One-hot PR curve of entry l. */
export const prOneHotCurve = (l: number) => `prOneHot.${l}`;

/**
 * Trains a fresh model (initialised from the seed) on the training stream with the n-token loss over its heads
 * (for one head, the next-token loss), AdamW with warmup and cosine decay, and probes it at the plan's steps,
 * step 0 included. Each probe is written to `<run>/probes/step-<n>.json` and recorded as curves, so an
 * interrupted run keeps the probes it already made. Returns the law at step 0 and at the last step.
 */
export async function runCondition(ctx: RunContext<Json>): Promise<Record<string, number>> {
  const { plan, heads } = ctx.config as unknown as ConditionConfig;
  const corpus = corpusFor(plan.corpus);
  const length = plan.corpus.contextLength;
  const model = createModel(
    { vocabSize: corpus.vocabSize, contextLength: length, ...plan.model, heads: { count: heads } },
    { seed: ctx.seed },
  );
  const probeDir = join(ctx.dir, 'probes');
  await mkdir(probeDir, { recursive: true });
  const probeAt = async (step: number) => {
    const probe = await probeCheckpoint({ model, windows: corpus.probe, step });
    const file = join(probeDir, `step-${step}.json`);
    await writeFile(`${file}.tmp`, `${JSON.stringify(probe)}\n`);
    await rename(`${file}.tmp`, file);
    recordProbe(ctx, probe);
  };
  const probeSteps = new Set(plan.probeSteps);
  const objective = { model };
  try {
    if (!ctx.resume) await probeAt(0);
    await train({
      params: model.params,
      batches: (step) => batchAt({ corpus, batch: plan.batch, length, seed: ctx.seed, step }),
      lossFn: multiTokenLossFn(objective),
      gradients: multiTokenGradients(objective), // one head's logits in memory at a time
      steps: plan.steps,
      learningRate: warmupCosineSchedule({
        maxLr: plan.lr,
        minLr: plan.minLr,
        warmupSteps: plan.warmupSteps,
        decaySteps: plan.steps,
      }),
      optimizer: { beta1: 0.9, beta2: 0.95, weightDecay: 0.1 },
      seed: ctx.seed,
      tokensPerStep: plan.batch * (length - 1),
      checkpoint: { dir: ctx.checkpointDir, every: plan.checkpointEvery, config: model.config },
      resume: ctx.resume,
      callbacks: [
        ctx.trainCallbacks({ lossEvery: Math.max(1, Math.floor(plan.steps / 50)) }),
        { onStep: async ({ step }) => (probeSteps.has(step) ? probeAt(step) : undefined) },
      ],
    });
  } finally {
    model.dispose();
  }
  const read = async (step: number) =>
    JSON.parse(await readFile(join(probeDir, `step-${step}.json`), 'utf8')) as CheckpointProbe;
  return lawMetrics({ initial: await read(0), final: await read(plan.steps) });
}

/** Records a probe as curves at its step: r, ρ, R², the one-hot r and ρ, the held-out loss, PR per entry. */
function recordProbe(ctx: RunContext<Json>, probe: CheckpointProbe) {
  const { step } = probe;
  const finite = (curve: string, value: number | null) => {
    if (value !== null && Number.isFinite(value)) ctx.record(curve, step, value);
  };
  finite('r', probe.law.r);
  finite('rho', probe.law.rho);
  finite('r2', probe.law.r2);
  finite('ratio', probe.law.ratio);
  finite('rOneHot', probe.lawOneHot.r);
  finite('rhoOneHot', probe.lawOneHot.rho);
  finite('heldOutLoss', probe.heldOutLoss);
  for (const [l, pr] of probe.pr.entries()) finite(prCurve(l), pr);
  for (const [l, pr] of probe.prOneHot.entries()) finite(prOneHotCurve(l), pr);
  finite('nullPr', probe.nullPr[probe.nullPr.length - 1] ?? null);
}

/**
 * The run's final metrics: the law at the last step and at step 0. A quantity a degenerate fit leaves undefined
 * (`null`) is left out, and the verdicts count a missing value as failing their rule.
 */
export function lawMetrics(args: {
  initial: CheckpointProbe;
  final: CheckpointProbe;
}): Record<string, number> {
  const { initial, final } = args;
  const entries: [string, number | null][] = [
    ['rFinal', final.law.r],
    ['rhoFinal', final.law.rho],
    ['r2Final', final.law.r2],
    ['ratioFinal', final.law.ratio],
    ['rStep0', initial.law.r],
    ['rhoStep0', initial.law.rho],
    ['rOneHotFinal', final.lawOneHot.r],
    ['rOneHotStep0', initial.lawOneHot.r],
    ['heldOutLossFinal', final.heldOutLoss],
    ['heldOutLossStep0', initial.heldOutLoss],
  ];
  return Object.fromEntries(
    entries.filter((entry): entry is [string, number] => entry[1] !== null && Number.isFinite(entry[1])),
  );
}
