import * as tf from '@tensorflow/tfjs-core';
import { runWasmKernel, type WasmKernelSpec, wasmKernelsAvailable } from './wasm-host.js';

// Causal self-attention over whole sequences as one WebAssembly SIMD kernel each way. The stock formulation is
// B·H tiny batched matmuls, which tfjs-wasm runs on a scalar path at ~1.5 GFLOP/s, plus head split/merge
// transposes, mask, softmax and their gradients: a third of a small model's training step. The kernels read q,
// k and v where the qkv projection left them, skip the masked half of every score matrix and write heads side
// by side, so none of those ops remain.

interface Attrs {
  nHeads: number;
}

function dims(qkv: tf.TensorInfo, nHeads: number) {
  const [B, T, width] = qkv.shape as [number, number, number];
  const hd = width / 3 / nHeads;
  return { B, T, d: width / 3, hd, scale: 1 / Math.sqrt(hd) };
}

// qkv [B, T, 3d] → y [B, T, d] and the softmax weights [B, H, T, T] the backward pass needs.
const forward: WasmKernelSpec<Attrs> = {
  name: 'BntpCausalAttention',
  outputShapes: ([qkv], { nHeads }) => {
    const { B, T, d } = dims(qkv as tf.TensorInfo, nHeads);
    return [
      [B, T, d],
      [B, nHeads, T, T],
    ];
  },
  run: (k, at, [qkv], { nHeads }) => {
    const { B, T, hd, scale } = dims(qkv as tf.TensorInfo, nHeads);
    const [y, probs] = at.outputs as [number, number];
    k.attentionForward(at.inputs[0] as number, probs, y, B, T, nHeads, hd, scale);
  },
};

// qkv, probs, dy → dqkv [B, T, 3d].
const backward: WasmKernelSpec<Attrs> = {
  name: 'BntpCausalAttentionGrad',
  outputShapes: ([qkv]) => [(qkv as tf.TensorInfo).shape],
  scratchFloats: ([qkv]) => (qkv as tf.TensorInfo).shape[1] as number,
  run: (k, at, [qkv], { nHeads }) => {
    const { B, T, hd, scale } = dims(qkv as tf.TensorInfo, nHeads);
    const [qkvAt, probsAt, dyAt] = at.inputs as [number, number, number];
    k.attentionBackward(qkvAt, probsAt, dyAt, at.outputs[0] as number, at.scratch, B, T, nHeads, hd, scale);
  },
};

/** Whether {@link fusedCausalAttention} runs here: see `wasmKernelsAvailable`; head width divisible by 4. */
export function canFuseAttention(headDim: number): boolean {
  return headDim % 4 === 0 && wasmKernelsAvailable();
}

/**
 * Causal multi-head self-attention of packed projections `qkv` (`[B, T, 3·d]`: q | k | v, heads side by side in
 * each) → `[B, T, d]`, positions 0..T−1 attending to themselves and earlier ones: `softmax(q kᵀ/√hd + mask) v` per
 * head. Same function and gradient as the stock ops; check `canFuseAttention` first.
 */
export function fusedCausalAttention(qkv: tf.Tensor3D, nHeads: number): tf.Tensor3D {
  const attend = tf.customGrad((x, save) => {
    const [y, probs] = runWasmKernel(forward, { qkv: x as tf.Tensor }, { nHeads }) as [
      tf.Tensor3D,
      tf.Tensor4D,
    ];
    (save as tf.GradSaveFunc)([x as tf.Tensor, probs]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedQkv, savedProbs] = saved as [tf.Tensor, tf.Tensor];
        return runWasmKernel(backward, { qkv: savedQkv, probs: savedProbs, dy }, { nHeads });
      },
    };
  });
  return attend(qkv) as tf.Tensor3D;
}
