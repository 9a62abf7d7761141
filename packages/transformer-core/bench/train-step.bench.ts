import { initBackend } from '@beyond-ntp/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { type BenchContext, type BenchReport, median } from '../../../bench/harness.js';
import { matmulGflops } from '../../../bench/matmul.js';
import { formatProfile, kernelProfile } from '../../../bench/profile.js';
import { type TorchSetting, torchReference } from '../../../bench/torch.js';
import type { KernelMode } from '../src/kernels/index.js';
import { createModel } from '../src/model.js';
import { DataParallel } from '../src/parallel/data-parallel.js';
import { dataParallelGradients } from '../src/parallel/data-parallel-gradients.js';
import { accumulateGradients } from '../src/train/accumulate.js';
import { AdamW } from '../src/train/adamw.js';
import { crossEntropy } from '../src/train/cross-entropy.js';
import { train } from '../src/train/trainer.js';

// One full training step (forward, backward, AdamW update) at the SPEC §5 shapes, on wasm and cpu, with the
// fast kernels and with stock tfjs ops, next to — all in this run — the backend's plain (NN) matmul rate and
// the PyTorch reference step on the same shapes. The model matches the reference: learned positions, pre-norm
// LayerNorm blocks, fused qkv without bias, GELU-tanh 4× MLP, untied output, 4 heads.

interface Shape {
  d: number;
  layers: number;
  T: number;
  B: number;
}
const V = 64;
const HEADS = 4;

// The reference script's FLOP count, so GFLOP/s figures compare like for like.
function stepFlops({ d, layers, T, B }: Shape, params: number): number {
  return 6 * (params - V * d - T * d) * B * T + 6 * V * d * B * T + layers * 12 * B * T * T * d;
}

const shapeLabel = ({ d, layers, T, B }: Shape) => `d=${d} L=${layers} T=${T} B=${B}`;

function trainStep(shape: Shape, kernels: KernelMode) {
  const { d, layers, T, B } = shape;
  const model = createModel(
    { vocabSize: V, contextLength: T, dModel: d, nLayers: layers, nHeads: HEADS, tieEmbeddings: false },
    { seed: 0, kernels },
  );
  const optimizer = new AdamW(model.params, { weightDecay: 0.01 });
  const ids = tf.randomUniform([B, T], 0, V, 'int32', 1) as tf.Tensor2D;
  const targets = tf.randomUniform([B, T], 0, V, 'int32', 2) as tf.Tensor2D;
  const loss = () => crossEntropy(model.forward(ids).logits[0] as tf.Tensor3D, targets);
  // The trainer's own path: gradients by parameter name, then the AdamW update.
  const step = () => {
    const { loss: value, grads } = accumulateGradients(model.params, loss, 1);
    optimizer.applyGradients(grads, 1e-3);
    tf.dispose(grads);
    return value;
  };
  const params = Object.values(model.params).reduce((n, p) => n + p.size, 0);
  const dispose = () => {
    tf.dispose([ids, targets]);
    optimizer.dispose();
    model.dispose();
  };
  return { step, params, dispose };
}

/** A batch as the data-parallel replicas take it: plain rows, so shards can be posted to the worker. */
interface Rows {
  ids: number[][];
  targets: number[][];
}

// The model, batch and DataParallel (this thread + one worker: both cores) of the data-parallel rows.
async function dataParallelSetup(shape: Shape) {
  const { d, layers, T, B } = shape;
  const config = {
    vocabSize: V,
    contextLength: T,
    dModel: d,
    nLayers: layers,
    nHeads: HEADS,
    tieEmbeddings: false,
  };
  const model = createModel(config, { seed: 0 });
  const batch: Rows = {
    ids: (await tf.randomUniform([B, T], 0, V, 'int32', 1).array()) as number[][],
    targets: (await tf.randomUniform([B, T], 0, V, 'int32', 2).array()) as number[][],
  };
  // Shard `index` of `count`: a contiguous block of rows.
  const shard = ({ ids, targets }: Rows, index: number, count: number): Rows => {
    const [start, end] = [index, index + 1].map((i) => (i * ids.length) / count);
    return { ids: ids.slice(start, end), targets: targets.slice(start, end) };
  };
  const parallel = await DataParallel.start(model.params, {
    module: new URL('./train-step-worker.mjs', import.meta.url),
    data: config,
    execArgv: [],
  });
  const loss = ({ ids, targets }: Rows) =>
    crossEntropy(model.forward(ids).logits[0] as tf.Tensor3D, tf.tensor2d(targets, undefined, 'int32'));
  const params = Object.values(model.params).reduce((n, p) => n + p.size, 0);
  const dispose = async () => {
    await parallel.close();
    model.dispose();
  };
  return { model, batch, shard, parallel, loss, params, dispose };
}

// The same step with the batch split across this thread and one worker thread, gradients averaged.
async function dataParallelStep(shape: Shape) {
  const setup = await dataParallelSetup(shape);
  const optimizer = new AdamW(setup.model.params, { weightDecay: 0.01 });
  const shards = [0, 1].map((i) => setup.shard(setup.batch, i, 2));
  const step = async () => {
    const { grads } = await setup.parallel.lossAndGradients(setup.loss, shards);
    optimizer.applyGradients(grads, 1e-3);
    tf.dispose(grads);
  };
  const dispose = async () => {
    optimizer.dispose();
    await setup.dispose();
  };
  return { step, params: setup.params, dispose };
}

// The data-parallel step inside train(), with dataParallelGradients as its gradient source: the loop's clipping,
// device read and non-finite check are in the time. Median of train's own per-step seconds after a warm-up step.
async function trainDataParallelMs(shape: Shape, repeats: number): Promise<{ ms: number; params: number }> {
  const setup = await dataParallelSetup(shape);
  const seconds: number[] = [];
  try {
    await train<Rows>({
      params: setup.model.params,
      lossFn: setup.loss,
      batches: () => setup.batch,
      steps: repeats + 1,
      learningRate: 1e-3,
      optimizer: { weightDecay: 0.01 },
      gradients: dataParallelGradients(setup.parallel, { shard: setup.shard }),
      callbacks: [{ onStep: (metrics) => void seconds.push(metrics.seconds) }],
    });
  } finally {
    await setup.dispose();
  }
  return { ms: median(seconds.slice(1)) * 1000, params: setup.params };
}

async function timeSteps(step: () => unknown, repeats: number): Promise<number> {
  const once = async () => {
    const start = performance.now();
    const value = await step();
    if (value instanceof tf.Tensor) {
      value.dataSync();
      value.dispose();
    }
    return performance.now() - start;
  };
  await once(); // warm-up: kernel setup, wasm memory growth
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) times.push(await once());
  return median(times);
}

export default async function trainStepBench({ quick, log }: BenchContext): Promise<BenchReport> {
  const shapes: Shape[] = [
    { d: 128, layers: 2, T: 32, B: 32 },
    { d: 256, layers: 4, T: 32, B: 32 },
    { d: 128, layers: 2, T: 128, B: 8 },
  ];
  const rows: BenchReport['rows'] = [];
  const notes: string[] = [];

  // PyTorch on the same shapes, twice: its default setting (the fastest thread split here) and malloc-tuned
  // (the best this machine gives). Keyed by setting, then shape.
  const torch: Record<TorchSetting, Map<string, number>> = { default: new Map(), 'malloc-tuned': new Map() };
  for (const shape of shapes) {
    const label = shapeLabel(shape);
    for (const setting of ['default', 'malloc-tuned'] as const) {
      const ref = torchReference(
        { d: shape.d, layers: shape.layers, heads: HEADS, ctx: shape.T, batch: shape.B, vocab: V },
        setting,
      );
      if ('skipped' in ref) {
        notes.push(`PyTorch reference (${setting}) skipped for ${label}: ${ref.skipped}`);
        continue;
      }
      torch[setting].set(label, ref.ms_per_step);
      rows.push({
        backend: `pytorch ${ref.torch} ${setting} (OpenBLAS ${ref.threads} threads, intra-op 1)`,
        shape: label,
        kernels: '—',
        'ms/step': ref.ms_per_step,
        'tokens/s': ref.tokens_per_s,
        'GFLOP/s': ref.gflops,
        'NN matmul GFLOP/s': null,
        efficiency: null,
        'vs PyTorch': setting === 'default' ? 1 : null,
        'vs PyTorch tuned': setting === 'malloc-tuned' ? 1 : null,
        'fast speedup': null,
      });
      log(`pytorch ${setting} ${label}: ${ref.ms_per_step} ms/step`);
    }
  }

  for (const backend of ['wasm', 'cpu'] as const) {
    await initBackend({ backend });
    // The NN rate is probed before and after this backend's steps and the higher reading kept, so a probe
    // that happened to share the machine with other load cannot inflate the efficiencies.
    const probe = () => matmulGflops({ m: 1024, k: 256, n: 1024 });
    let matmul = await probe();
    const pending: (() => BenchReport['rows'][number])[] = [];
    // One result row: the step's rate next to this backend's matmul rate and the PyTorch step of the same shape.
    const measured = (
      backendLabel: string,
      kernels: string,
      shape: Shape,
      params: number,
      ms: number,
      fastSpeedup: number | null,
    ) => {
      const gflops = stepFlops(shape, params) / (ms * 1e6);
      const vsTorch = (setting: TorchSetting) => {
        const torchMs = torch[setting].get(shapeLabel(shape));
        return torchMs === undefined ? null : ms / torchMs;
      };
      return {
        backend: backendLabel,
        shape: shapeLabel(shape),
        kernels,
        'ms/step': ms,
        'tokens/s': Math.round((shape.B * shape.T * 1000) / ms),
        'GFLOP/s': gflops,
        'NN matmul GFLOP/s': matmul,
        efficiency: gflops / matmul,
        'vs PyTorch': vsTorch('default'),
        'vs PyTorch tuned': vsTorch('malloc-tuned'),
        'fast speedup': fastSpeedup,
      };
    };
    for (const shape of shapes) {
      const label = shapeLabel(shape);
      // The pure-JS backend takes seconds per step: only the small shape, and in quick mode only the fast path.
      if (backend === 'cpu' && (shape.d > 128 || shape.T > 32)) continue;
      const modes: KernelMode[] =
        quick && (backend === 'cpu' || shape.d > 128) ? ['fast'] : ['fast', 'reference'];
      let fastMs = 0;
      for (const kernels of modes) {
        const run = trainStep(shape, kernels);
        const repeats = backend === 'cpu' || kernels === 'reference' ? (quick ? 1 : 3) : quick ? 3 : 10;
        const ms = await timeSteps(run.step, repeats);
        if (kernels === 'fast') {
          fastMs = ms;
          if (backend === 'wasm') {
            const profile = await kernelProfile(() => run.step());
            notes.push(`wasm kernel profile, ${label}, fast path: ${formatProfile(profile)}`);
          }
        }
        pending.push(() =>
          measured(backend, kernels, shape, run.params, ms, kernels === 'reference' ? ms / fastMs : null),
        );
        log(`${backend} ${label} ${kernels}: ${ms.toFixed(0)} ms/step`);
        run.dispose();
      }
      if (backend === 'wasm') {
        const run = await dataParallelStep(shape);
        const ms = await timeSteps(run.step, quick ? 3 : 10);
        pending.push(() => measured('wasm ×2 threads', 'fast', shape, run.params, ms, null));
        log(`wasm ×2 threads ${label}: ${ms.toFixed(0)} ms/step (${(fastMs / ms).toFixed(2)}× one thread)`);
        await run.dispose();
        const inTrain = await trainDataParallelMs(shape, quick ? 3 : 10);
        const trainLabel = 'wasm train() + DataParallel (2 threads)';
        pending.push(() => measured(trainLabel, 'fast', shape, inTrain.params, inTrain.ms, null));
        log(`${trainLabel} ${label}: ${inTrain.ms.toFixed(0)} ms/step`);
      }
    }
    matmul = Math.max(matmul, await probe());
    log(`${backend} NN matmul (peak of the probes before and after): ${matmul.toFixed(2)} GFLOP/s`);
    rows.push(...pending.map((row) => row()));
  }
  notes.push(
    'efficiency = step GFLOP/s ÷ the same backend’s peak NN matmul GFLOP/s ([1024,256]·[256,1024], fastest of ' +
      '10, probed before and after that backend’s steps, higher kept) in this process; ' +
      'vs PyTorch / vs PyTorch tuned = ms/step ÷ PyTorch ms/step on the same shape in this run, at its default ' +
      'setting (OpenBLAS threads, intra-op 1) and malloc-tuned (SPEC §5 targets on wasm: ≤ 1.5 and ≤ 2.5); ' +
      'fast speedup = reference ms ÷ fast ms. "wasm ×2 threads" splits each batch ' +
      'between this thread and one worker thread (DataParallel) and averages the gradients: it uses both cores, ' +
      'so its efficiency is against one core’s matmul rate (two cores offer up to twice that). ' +
      '"wasm train() + DataParallel (2 threads)" is the same split run by train() with dataParallelGradients ' +
      '(median of train’s per-step seconds after one warm-up step), so it adds the loop’s gradient clipping, ' +
      'device read and non-finite check.',
  );
  return { title: 'Training step: fast kernels vs stock tfjs vs PyTorch', rows, notes };
}
