import * as tf from '@tensorflow/tfjs-core';
import { NORM_EPS, type NormParams } from '../norm.js';
import { runWasmKernel, type WasmKernelSpec, wasmKernelsAvailable } from './wasm-host.js';

// LayerNorm and RMSNorm as one WebAssembly SIMD pass forward and one backward (which also sums the weight and
// bias gradients), where the stock ops make about 9 passes forward and 20 backward over [B·T, dModel].

interface Attrs {
  centered: boolean;
}

const rowsCols = (x: tf.TensorInfo | undefined) => (x as tf.TensorInfo).shape as [number, number];

// x [rows, cols], w [cols] (, b [cols]) → y [rows, cols], mean [rows], rstd [rows].
const forward: WasmKernelSpec<Attrs> = {
  name: 'BntpNorm',
  outputShapes: ([x]) => {
    const [rows, cols] = rowsCols(x);
    return [[rows, cols], [rows], [rows]];
  },
  run: (k, at, [x], { centered }) => {
    const [rows, cols] = rowsCols(x);
    const [xAt, wAt, bAt = wAt] = at.inputs as [number, number, number?]; // RMSNorm has no bias to read
    const [y, mean, rstd] = at.outputs as [number, number, number];
    k.normForward(xAt, wAt, bAt, y, mean, rstd, rows, cols, NORM_EPS, centered);
  },
};

// x, w, mean, rstd, dy → dx [rows, cols], dw [cols], db [cols].
const backward: WasmKernelSpec<Attrs> = {
  name: 'BntpNormGrad',
  outputShapes: ([x]) => {
    const [rows, cols] = rowsCols(x);
    return [[rows, cols], [cols], [cols]];
  },
  run: (k, at, [x], { centered }) => {
    const [rows, cols] = rowsCols(x);
    const [xAt, wAt, meanAt, rstdAt, dyAt] = at.inputs as [number, number, number, number, number];
    const [dx, dw, db] = at.outputs as [number, number, number];
    k.normBackward(xAt, wAt, meanAt, rstdAt, dyAt, dx, dw, db, rows, cols, centered);
  },
};

/** Whether {@link fusedNorm} runs here for `x`: see `wasmKernelsAvailable`; a last axis divisible by 4. */
export function canFuseNorm(x: tf.Tensor): boolean {
  return (x.shape[x.rank - 1] as number) % 4 === 0 && wasmKernelsAvailable();
}

/** `norm` of norm.ts (LayerNorm with a bias, RMSNorm without) as one fused kernel each way. */
export function fusedNorm<T extends tf.Tensor>(x: T, p: NormParams): T {
  const cols = x.shape[x.rank - 1] as number;
  const centered = p.bias !== undefined;
  const f = tf.customGrad((...args) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [x2, w, b] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D?];
    const inputs: Record<string, tf.Tensor> = b ? { x: x2, w, b } : { x: x2, w };
    const [y, mean, rstd] = runWasmKernel(forward, inputs, { centered }) as [tf.Tensor, tf.Tensor, tf.Tensor];
    save([x2, w, mean, rstd]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw, smean, srstd] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        const [dx, dw, db] = runWasmKernel(
          backward,
          { x: sx, w: sw, mean: smean, rstd: srstd, dy },
          { centered },
        );
        if (centered) return [dx as tf.Tensor, dw as tf.Tensor, db as tf.Tensor];
        db?.dispose();
        return [dx as tf.Tensor, dw as tf.Tensor];
      },
    };
  });
  return tf.tidy(() => {
    const x2 = tf.reshape(x, [-1, cols]);
    const y = centered ? f(x2, p.weight, p.bias as tf.Tensor1D) : f(x2, p.weight);
    return tf.reshape(y, x.shape);
  }) as T;
}
