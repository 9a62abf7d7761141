import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  mismatch,
  tensorNamed,
  torchCases,
  torchConfig,
  torchJson,
  torchTensors,
} from '../test/torch-fixtures.js';
import { fromRawTensors } from './checkpoint/tensors.js';
import { parseModelConfig } from './config.js';
import type { KernelMode } from './kernels/index.js';
import { createModel, type TransformerModel } from './model.js';
import type { StepMetrics } from './train/callbacks.js';
import { crossEntropy } from './train/cross-entropy.js';
import type { LossContext } from './train/evaluate.js';
import { warmupCosineSchedule } from './train/schedule.js';
import { train } from './train/trainer.js';

// An outside reference: logits and training steps of a GPT written in PyTorch from the docs alone
// (test/fixtures/torch/make_fixtures.py, float64). The fixtures are committed; nothing here needs PyTorch.
const LOGITS_TOLERANCE = 1e-5;
const TRAINING_TOLERANCE = 1e-5;
// Every case runs on both kernel sets: on cpu and wasm, `fast` takes the fused WebAssembly kernels (GELU, norms,
// attention: every width here is a multiple of 4) and `reference` the stock tfjs ops of gelu.ts and norm.ts.
const KERNEL_MODES: KernelMode[] = ['fast', 'reference'];
const cases = (file: string) =>
  torchCases(file).flatMap((name) => KERNEL_MODES.map((mode): [string, KernelMode] => [name, mode]));

/** A model of the case's config holding the case's weights from `file`. */
function loadTorchModel(name: string, file: string, kernels: KernelMode): TransformerModel {
  const model = createModel(torchConfig(name), { seed: 0, kernels });
  const weights = fromRawTensors(torchTensors(name, file));
  model.loadWeights(weights);
  tf.dispose(weights);
  return model;
}

/** Every head of the case's model, in order. */
function headIndices(name: string): number[] {
  const { count } = parseModelConfig(torchConfig(name)).heads;
  return Array.from({ length: count }, (_, i) => i);
}

function expectMatch(label: string, actual: tf.Tensor, expected: ArrayLike<number>, tolerance: number): void {
  const { error, message } = mismatch(label, actual.dataSync(), expected, actual.shape);
  expect(error, message).toBeLessThanOrEqual(tolerance);
}

it('finds every fixture case, so none can drop out of the suites below unnoticed', () => {
  expect(torchCases('expected.safetensors')).toHaveLength(5);
  expect(torchCases('train.json')).toHaveLength(3);
});

describe('logits match the PyTorch reference', () => {
  it.each(cases('expected.safetensors'))('%s, %s kernels', (name, mode) => {
    const before = tf.memory().numTensors;
    const model = loadTorchModel(name, 'model.safetensors', mode);
    const expected = torchTensors(name, 'expected.safetensors');
    const heads = headIndices(name);
    expect(Object.keys(expected).filter((key) => key.startsWith('logits.'))).toHaveLength(heads.length);
    const { ids } = fromRawTensors({ ids: tensorNamed(expected, 'ids') }) as { ids: tf.Tensor2D };
    // Heads in reverse order, so logits[j] must belong to heads[j] and not to the j-th head.
    const order = [...heads].reverse();
    const { logits } = model.forward(ids, { heads: order });
    order.forEach((head, j) => {
      const reference = tensorNamed(expected, `logits.${head}`);
      expect(logits[j]?.shape).toEqual(reference.shape);
      expectMatch(`${name} head ${head}`, logits[j] as tf.Tensor, reference.data, LOGITS_TOLERANCE);
    });
    tf.dispose([ids, ...logits]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

interface TrainFixture {
  options: {
    steps: number;
    accumulate: number;
    batch: number;
    seq: number;
    maxLr: number;
    warmupSteps: number;
    decaySteps: number;
    clipNorm: number;
    /** Head i's loss counts from update headStarts[i] on (every head from update 0 when absent). */
    headStarts?: number[];
  };
  steps: Array<{ lr: number; loss: number; gradNorm: number }>;
}

describe('training steps match the PyTorch reference', () => {
  // AdamW with nanoGPT's defaults, the warmup-cosine schedule with its default floor, global-norm clipping and
  // gradient accumulation, on a mean over heads of head i's cross-entropy against the token i + 1 ahead. A head
  // that joins late has no gradient before, so AdamW's per-parameter counts must start at its first gradient.
  it.each(cases('train.json'))('%s, %s kernels', async (name, mode) => {
    const before = tf.memory().numTensors;
    const { options, steps: reference } = torchJson<TrainFixture>(name, 'train.json');
    const { batch, seq, accumulate } = options;
    const model = loadTorchModel(name, 'model.safetensors', mode);
    const heads = headIndices(name);
    const sequences = tensorNamed(torchTensors(name, 'batches.safetensors'), 'batches').data;
    const width = seq + heads.length;
    const batchAt = (step: number, micro: number) => {
      const start = (step * accumulate + micro) * batch * width;
      return tf.tensor2d(sequences.subarray(start, start + batch * width), [batch, width], 'int32');
    };
    const lossFn = (tokens: tf.Tensor2D, context: LossContext) =>
      tf.tidy(() => {
        const active = heads.filter((head) => (options.headStarts?.[head] ?? 0) <= context.step);
        const inputs = tf.slice(tokens, [0, 0], [batch, seq]);
        const run = { heads: active, training: context.training, seed: context.seed };
        const { logits } = model.forward(inputs, run);
        const losses = logits.map((l, j) => {
          const head = active[j] as number;
          return crossEntropy(l, tf.slice(tokens, [0, head + 1], [batch, seq]));
        });
        return tf.mean(tf.stack(losses)) as tf.Scalar;
      });
    const metrics: StepMetrics[] = [];
    await train({
      params: model.params,
      lossFn,
      batches: batchAt,
      steps: options.steps,
      accumulate,
      clipNorm: options.clipNorm,
      learningRate: warmupCosineSchedule({
        maxLr: options.maxLr,
        warmupSteps: options.warmupSteps,
        decaySteps: options.decaySteps,
      }),
      callbacks: [{ onStep: (m) => void metrics.push(m) }],
    });

    expect(metrics).toHaveLength(reference.length);
    reference.forEach((want, it) => {
      const got = metrics[it] as StepMetrics;
      expect(got.lr, `${name} step ${it} lr`).toBeCloseTo(want.lr, 15);
      for (const key of ['loss', 'gradNorm'] as const) {
        const error = Math.abs(got[key] - want[key]) / Math.abs(want[key]);
        const message = `${name} step ${it} ${key}: ${got[key]} vs PyTorch ${want[key]}`;
        expect(error, message).toBeLessThanOrEqual(TRAINING_TOLERANCE);
      }
    });
    const final = torchTensors(name, 'final.safetensors');
    expect(Object.keys(final).sort()).toEqual(Object.keys(model.params).sort());
    for (const [key, param] of Object.entries(model.params)) {
      expectMatch(`${name} final ${key}`, param, tensorNamed(final, key).data, TRAINING_TOLERANCE);
    }
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
