import { initBackend } from '@beyond-ntp/runtime';
import {
  createModel,
  type GradientContext,
  lossFnGradients,
  stepSeed,
  type TransformerModel,
  train,
} from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { type BenchContext, type BenchReport, median } from '../../../bench/harness.js';
import { type MultiTokenBatch, multiTokenGradients, multiTokenLossFn } from '../src/index.js';

// Peak tensor bytes and step time of the two training paths of the n-token loss, side by side in one run, at a
// vocabulary large enough for the logits to dominate (Gloeckle et al. 2024, §2: O(nV + d) → O(V + d)).
// Naive: train()'s default gradients over multiTokenLossFn (every head's logits on one tape). Efficient:
// multiTokenGradients (one head at a time). Same model, batch, seed and dropout-free config for both.

const V = 8192;
const B = 4;
const T = 32;
const D_MODEL = 64;
const HEAD_COUNTS = [1, 2, 4, 8];
const PATHS = ['naive', 'efficient'] as const;
type Path = (typeof PATHS)[number];

function makeModel(heads: number): TransformerModel {
  // nLayers 2 with transformer heads: one trunk block, then one block per head (the paper's default heads).
  return createModel(
    { vocabSize: V, contextLength: T, dModel: D_MODEL, nLayers: 2, nHeads: 4, heads: { count: heads } },
    { seed: 1 },
  );
}

function batchOf(): MultiTokenBatch {
  const ids = tf.randomUniform([B, T], 0, V, 'int32', 7) as tf.Tensor2D;
  const rows = ids.arraySync() as number[][];
  ids.dispose();
  return { ids: rows };
}

// Peak bytes of one update's gradient computation (the part the paths differ in), measured by tf.profile.
async function peakBytes(model: TransformerModel, path: Path, batch: MultiTokenBatch): Promise<number> {
  const objective = { model };
  const context: GradientContext<MultiTokenBatch> = {
    step: 0,
    microBatches: 1,
    batch: () => batch,
    seeds: [stepSeed(0, 0, 0)],
    params: model.params,
    lossFn: multiTokenLossFn(objective),
  };
  const gradients = path === 'naive' ? lossFnGradients : multiTokenGradients(objective);
  // multiTokenGradients is async (it may differentiate micro-batches in turn), so the profile awaits it.
  const info = await tf.profile(async () => {
    const { loss, grads } = await gradients(context);
    return [loss, grads];
  });
  tf.dispose(info.result);
  return info.peakBytes;
}

// Median seconds per train() update (gradients, clipping, AdamW) over `repeats` updates after one warm-up.
async function stepSeconds(model: TransformerModel, path: Path, batch: MultiTokenBatch, repeats: number) {
  const objective = { model };
  const seconds: number[] = [];
  await train({
    params: model.params,
    lossFn: multiTokenLossFn(objective),
    ...(path === 'efficient' ? { gradients: multiTokenGradients(objective) } : {}),
    batches: () => batch,
    steps: 1 + repeats,
    learningRate: 1e-3,
    callbacks: [
      {
        onStep: ({ step, seconds: s }) => {
          if (step > 1) seconds.push(s); // step 1 warms up kernels and wasm memory
        },
      },
    ],
  });
  return median(seconds);
}

export default async function memoryBench({ quick, log }: BenchContext): Promise<BenchReport> {
  const backends = quick ? (['wasm'] as const) : (['wasm', 'cpu'] as const);
  const repeats = quick ? 2 : 5;
  const rows: BenchReport['rows'] = [];
  const logitsBytes = B * T * V * 4;
  for (const backend of backends) {
    await initBackend({ backend });
    const batch = batchOf();
    const base: Partial<Record<Path, number>> = {};
    for (const n of HEAD_COUNTS) {
      const measured: Partial<Record<Path, { peak: number; ms: number }>> = {};
      for (const path of PATHS) {
        const model = makeModel(n);
        const before = tf.memory().numTensors;
        const peak = await peakBytes(model, path, batch);
        const ms = 1000 * (await stepSeconds(model, path, batch, repeats));
        if (tf.memory().numTensors !== before) throw new Error(`${path} n=${n} left tensors behind`);
        model.dispose();
        measured[path] = { peak, ms };
        if (n === 1) base[path] = peak;
        log(`${backend} n=${n} ${path}: peak ${(peak / 2 ** 20).toFixed(2)} MiB, ${ms.toFixed(0)} ms/step`);
      }
      for (const path of PATHS) {
        const { peak, ms } = measured[path] as { peak: number; ms: number };
        rows.push({
          backend,
          n,
          path,
          peakBytes: peak,
          peakMiB: peak / 2 ** 20,
          peakVsN1: peak / (base[path] as number),
          peakInLogits: peak / logitsBytes,
          msPerStep: ms,
          timeVsNaive: ms / (measured.naive as { ms: number }).ms,
        });
      }
    }
  }
  return {
    title: `Multi-token training paths: peak tensor bytes and step time (V=${V}, B=${B}, T=${T}, d=${D_MODEL})`,
    rows,
    notes: [
      `Model: one trunk block, one transformer block per head (the paper's default), tied embeddings; one head's logits are B·T·V·4 = ${logitsBytes.toLocaleString('en-US')} bytes (peakInLogits counts peak bytes in those).`,
      "peakBytes: tf.profile peak of one update's gradient computation (loss and gradients), the part the paths differ in; deterministic and the same on every backend. peakVsN1: against the same path with one head.",
      'msPerStep: median wall time of one train() update (gradients, clipping, AdamW) after a warm-up update; timeVsNaive: efficient / naive at the same n, measured back to back. The paper reports 1.02–1.07× (n=2) and 1.07–1.22× (n=4) on GPUs with FSDP (Table S5).',
    ],
  };
}
