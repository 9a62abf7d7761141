import { initBackend } from '@beyond-ntp/runtime';
import {
  accumulateGradients,
  createModel,
  seededRandom,
  type TransformerModel,
} from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { type BenchContext, type BenchReport, median } from '../../../bench/harness.js';
import { type CoconutBatch, collate } from '../src/collate.js';
import { coconutLoss } from '../src/loss.js';
import { stageExample } from '../src/stages.js';

// One training step's loss and gradients with k continuous thoughts (k = 0, 2, 4, 6), computed the reference
// way (n + 1 passes sharing a KV cache) and naively (every thought from a fresh forward over all columns before
// it), next to one plain forward + backward over a sequence of the same length with ordinary tokens in the slots:
// the floor the cached path approaches, plus the overhead of k single-column passes. ProsQA-like rows: a long
// question, k thoughts, then the remaining steps and the answer.

const V = 64;
const TOKENS = { bot: 60, eot: 61, latent: 62, pause: 63 };

interface Shape {
  d: number;
  layers: number;
  batch: number;
  question: number;
  steps: number;
  stepLength: number;
}

// `batch` examples of `steps` steps, with ids from a fixed stream (the values do not matter for timing).
function examples({ batch, question, steps, stepLength }: Shape) {
  const random = seededRandom(7);
  const id = () => 1 + Math.floor(random() * 59); // below the special ids 60 … 63
  const run = (n: number) => Array.from({ length: n }, id);
  return Array.from({ length: batch }, () => ({
    question: run(question),
    steps: Array.from({ length: steps }, () => run(stepLength)),
    answer: run(6),
  }));
}

async function timeMs(step: () => tf.Scalar, repeats: number): Promise<number> {
  const once = async () => {
    const start = performance.now();
    const loss = step();
    await loss.data();
    loss.dispose();
    return performance.now() - start;
  };
  await once(); // warm-up: kernel setup, wasm memory growth
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) times.push(await once());
  return median(times);
}

// Loss and gradients through transformer-core's accumulateGradients, as train() computes them.
function gradientStep(model: TransformerModel, loss: () => tf.Scalar): () => tf.Scalar {
  return () => {
    const { loss: value, grads } = accumulateGradients(model.params, loss, 1);
    tf.dispose(grads);
    return value;
  };
}

export default async function thoughtsBench({ quick, log }: BenchContext): Promise<BenchReport> {
  const shape: Shape = quick
    ? { d: 64, layers: 2, batch: 4, question: 40, steps: 6, stepLength: 4 }
    : { d: 128, layers: 4, batch: 16, question: 120, steps: 6, stepLength: 8 };
  const repeats = quick ? 2 : 5;
  // wasm only: tfjs's cpu backend (reference kernels) took 28 s for one k = 0 step at the full shape, so its sweep
  // would run for hours and say only that it is slow; the cached/naive equality on cpu is a test, not a timing.
  const backend = 'wasm';
  const data = examples(shape);
  const rows: BenchReport['rows'] = [];
  await initBackend({ backend });
  const model = createModel(
    { vocabSize: V, contextLength: 256, dModel: shape.d, nLayers: shape.layers, nHeads: 4 },
    { seed: 0 },
  );
  for (const k of [0, 2, 4, 6]) {
    const staged = data.map((example) =>
      stageExample({ example, stage: k, maxLatentStage: 6, tokens: TOKENS }),
    );
    const batch = collate({ rows: staged, tokens: TOKENS });
    // The same layout with <pause> (an ordinary token) in the slots: one forward, no thoughts.
    const plain: CoconutBatch = {
      ...batch,
      ids: batch.ids.map((row) => row.map((id) => (id === TOKENS.latent ? TOKENS.pause : id))),
    };
    const width = batch.ids[0]?.length ?? 0;
    const onePass = await timeMs(
      gradientStep(model, () => coconutLoss(model, plain, { latent: TOKENS.latent })),
      repeats,
    );
    for (const mode of ['cached', 'naive'] as const) {
      const ms = await timeMs(
        gradientStep(model, () => coconutLoss(model, batch, { latent: TOKENS.latent, mode })),
        repeats,
      );
      rows.push({
        backend,
        k,
        mode,
        columns: width,
        passes: k + 1,
        ms,
        onePassMs: onePass,
        vsOnePass: ms / onePass,
      });
      log(`${backend} k=${k} ${mode}: ${ms.toFixed(1)} ms (one pass ${onePass.toFixed(1)} ms)`);
    }
  }
  model.dispose();
  const { d, layers, batch, question } = shape;
  return {
    title: 'Coconut training step (loss + gradients) with k continuous thoughts: KV-cached vs naive',
    rows,
    notes: [
      `Model d=${d}, ${layers} layers, 4 heads, V=${V}; ${batch} rows of a ${question}-token question, <bot>, k thoughts, <eot>, the ${6}-k remaining steps and a 6-token answer (stage k of a 6-step example).`,
      'onePassMs: forward + backward over the same batch with <pause> in the slots (no thoughts): the cost floor. vsOnePass = ms / onePassMs.',
      'cached: the reference code’s k + 1 passes sharing one KV cache (prefix, one column per further thought, rest). naive: k forwards over every column before each thought, then one over everything.',
      'Medians of the timed repeats after one warm-up step; both modes compute the same loss and gradients (tested to 1e-5).',
    ],
  };
}
