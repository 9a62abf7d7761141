import * as tf from '@tensorflow/tfjs-core';
import { runWasmKernel, type WasmKernelSpec, wasmKernelsAvailable } from './wasm-host.js';

// The wasm backend's Transpose takes ~5 ms for a [1024, 512] matrix (a generic strided loop); the tiled kernel
// of assembly/kernels.ts moves the same data several times faster. The linear map's custom gradient transposes
// an activation-sized matrix per call, so this sits on every training step's path.

const spec: WasmKernelSpec<object> = {
  name: 'BntpTranspose2D',
  outputShapes: ([x]) => [[...(x as tf.TensorInfo).shape].reverse()],
  run: (k, at, [x]) => {
    const [rows, cols] = (x as tf.TensorInfo).shape as [number, number];
    k.transpose(at.inputs[0] as number, at.outputs[0] as number, rows, cols);
  },
};

/**
 * `xᵀ` for a float32 matrix, by the fused kernel where it runs (else `tf.transpose`). Not differentiable by
 * itself: for use inside custom gradients.
 */
export function transpose2d(x: tf.Tensor2D): tf.Tensor2D {
  if (x.dtype !== 'float32' || !wasmKernelsAvailable()) return tf.transpose(x);
  return runWasmKernel(spec, { x }, {})[0] as tf.Tensor2D;
}
