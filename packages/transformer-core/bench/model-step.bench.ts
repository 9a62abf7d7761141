import { initBackend } from '@beyond-ntp/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { type BenchContext, type BenchReport, median } from '../../../bench/harness.js';
import { matmulGflops } from '../../../bench/matmul.js';
import { formatProfile, kernelProfile } from '../../../bench/profile.js';
import { linear } from '../src/kernels/linear.js';
import { createModel, type TransformerModel } from '../src/model.js';

// The model's share of a training step: forward + backward of a cross-entropy through every weight, at the
// SPEC §5 shapes, per backend, next to the same process's untransposed (NN) matmul rate. The optimizer update
// is measured by the trainer's own benchmark. A second table compares the `linear` kernel with the stock
// matmul-with-transpose it replaces, on the shapes of one block.

interface Shape {
  d: number;
  layers: number;
  T: number;
  B: number;
  V: number;
}

const HEADS = 4; // as in the PyTorch reference step (shared/bench/torch_gpt_step.py)

async function medianMs(run: () => void, repeats: number): Promise<number> {
  run(); // warm-up: kernel setup, wasm memory growth
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return median(times);
}

// Matmul FLOPs of one forward pass: every linear map (12·d² per block plus the V·d unembedding) for each of
// the B·T positions, plus attention's two T×T×d products per block. A training step costs three forwards.
function forwardFlops({ d, layers, T, B, V }: Shape): number {
  const positions = B * T;
  return 2 * positions * (12 * layers * d * d + V * d) + 4 * layers * positions * T * d;
}

function lossGradStep(model: TransformerModel, ids: tf.Tensor2D, targets: tf.Tensor): () => void {
  return () =>
    tf.tidy(() => {
      const { value } = tf.variableGrads(() => {
        const logits = model.forward(ids).logits[0] as tf.Tensor3D;
        return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), -1))) as tf.Scalar;
      });
      value.dataSync();
    });
}

async function modelRows(shapes: Shape[], repeats: number, log: (m: string) => void, notes: string[]) {
  const rows: BenchReport['rows'] = [];
  for (const shape of shapes) {
    const { d, layers, T, B, V } = shape;
    const model = createModel(
      { vocabSize: V, contextLength: T, dModel: d, nLayers: layers, nHeads: HEADS, tieEmbeddings: false },
      { seed: 1 },
    );
    const ids = tf.randomUniform([B, T], 0, V, 'int32', 2) as tf.Tensor2D;
    const targets = tf.cast(
      tf.oneHot(tf.randomUniform([B, T], 0, V, 'int32', 3) as tf.Tensor2D, V),
      'float32',
    );
    const step = lossGradStep(model, ids, targets);
    log(`${tf.getBackend()} d=${d} L=${layers} T=${T} B=${B}`);
    const ms = await medianMs(step, repeats);
    const matmul = await matmulGflops({ m: B * T, k: d, n: 4 * d });
    const gflops = (3 * forwardFlops(shape)) / (ms * 1e6);
    rows.push({
      table: 'model step',
      backend: tf.getBackend(),
      shape: `d=${d} L=${layers} T=${T} B=${B} V=${V}`,
      'ms/step': ms,
      'tokens/s': Math.round((B * T * 1000) / ms),
      'step GFLOP/s': gflops,
      'NN matmul GFLOP/s': matmul,
      efficiency: gflops / matmul,
    });
    notes.push(
      `${tf.getBackend()} d=${d} L=${layers} T=${T} kernels: ${formatProfile(await kernelProfile(step))}`,
    );
    tf.dispose([ids, targets]);
    model.dispose();
  }
  return rows;
}

async function linearRows(d: number, positions: number, repeats: number) {
  const rows: BenchReport['rows'] = [];
  const x = tf.randomNormal([positions, d], 0, 1, 'float32', 4) as tf.Tensor2D;
  for (const out of [d, 3 * d, 4 * d]) {
    const w = tf.randomNormal([out, d], 0, 0.02, 'float32', 5) as tf.Tensor2D;
    const r = tf.randomNormal([positions, out], 0, 1, 'float32', 6);
    const timeGrads = (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) =>
      medianMs(
        () =>
          tf.tidy(() => {
            const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), r)) as tf.Scalar)([
              x,
              w,
            ]);
            for (const g of grads) g.dataSync();
          }),
        repeats,
      );
    const ours = await timeGrads((a, b) => linear(a, b as tf.Tensor2D));
    const stock = await timeGrads((a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, false, true));
    rows.push({
      table: 'linear forward + backward',
      backend: tf.getBackend(),
      shape: `[${positions}, ${d}] · [${out}, ${d}]ᵀ`,
      'ms (linear kernel)': ours,
      'ms (stock matMul, transposeB)': stock,
      speedup: stock / ours,
    });
    tf.dispose([w, r]);
  }
  x.dispose();
  return rows;
}

export default async function modelStepBench({ quick, log }: BenchContext): Promise<BenchReport> {
  const shapes: Shape[] = quick
    ? [{ d: 128, layers: 2, T: 32, B: 32, V: 64 }]
    : [
        { d: 128, layers: 2, T: 32, B: 32, V: 64 },
        { d: 256, layers: 4, T: 32, B: 32, V: 64 },
        { d: 128, layers: 2, T: 128, B: 8, V: 64 },
      ];
  const repeats = quick ? 2 : 5;
  const rows: BenchReport['rows'] = [];
  const notes = [
    'Model step = forward + backward of a one-hot cross-entropy w.r.t. every weight (no optimizer update).',
    'step GFLOP/s counts matmul FLOPs only (3 × forward: linears, unembedding, attention); efficiency = step GFLOP/s / NN matmul GFLOP/s measured in the same process ([B·T, d] · [d, 4d]).',
    'PyTorch 1.13 + OpenBLAS reference (SPEC §5, same 2-core machine, ReLU MLP, with AdamW): 96 ms/step (d=128 L=2), 439 ms/step (d=256 L=4).',
  ];
  for (const backend of quick ? (['wasm'] as const) : (['wasm', 'cpu'] as const)) {
    await initBackend({ backend });
    // The pure-JS backend is ~20× slower; its large shapes would take minutes.
    const backendShapes = backend === 'cpu' ? shapes.slice(0, 1) : shapes;
    rows.push(...(await modelRows(backendShapes, repeats, log, notes)));
    rows.push(...(await linearRows(128, 1024, repeats)));
  }
  return { title: 'transformer-core: model forward + backward step', rows, notes };
}
