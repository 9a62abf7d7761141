import * as tf from '@tensorflow/tfjs-core';
import { runWasmKernel, type WasmKernelSpec, wasmKernelsAvailable } from './wasm-host.js';

// GELU as one WebAssembly SIMD pass each way, where the stock formulation takes seven elementwise ops forward
// and about twice that backward, each a full pass over a [B·T, 4·dModel] activation.

const forward: WasmKernelSpec<object> = {
  name: 'BntpGelu',
  outputShapes: ([x]) => [(x as tf.TensorInfo).shape],
  run: (k, at, [x]) => k.geluForward(at.inputs[0] as number, at.outputs[0] as number, size(x)),
};

const backward: WasmKernelSpec<object> = {
  name: 'BntpGeluGrad',
  outputShapes: ([x]) => [(x as tf.TensorInfo).shape],
  run: (k, at, [x]) => {
    const [xAt, dyAt] = at.inputs as [number, number];
    k.geluBackward(xAt, dyAt, at.outputs[0] as number, size(x));
  },
};

const size = (t: tf.TensorInfo | undefined) => tf.util.sizeFromShape((t as tf.TensorInfo).shape);

/** Whether {@link fusedGelu} runs here for `x`: see `wasmKernelsAvailable`; a size divisible by 4. */
export function canFuseGelu(x: tf.Tensor): boolean {
  return x.size % 4 === 0 && wasmKernelsAvailable();
}

// One custom gradient for every call: the kernel takes no attributes.
const geluWithGradient = tf.customGrad((input, save) => {
  (save as tf.GradSaveFunc)([input as tf.Tensor]);
  return {
    value: runWasmKernel(forward, { x: input as tf.Tensor }, {})[0] as tf.Tensor,
    gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) =>
      runWasmKernel(backward, { x: saved as tf.Tensor, dy }, {}),
  };
});

/** The tanh-approximated GELU of `gelu.ts` as one fused kernel each way; check {@link canFuseGelu} first. */
export function fusedGelu<T extends tf.Tensor>(x: T): T {
  return geluWithGradient(x) as T;
}
