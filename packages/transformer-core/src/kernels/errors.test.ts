import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { thrown } from '../../test/thrown.js';
import { KernelError } from './errors.js';
import { defineWasmKernel, type WasmKernelSpec } from './wasm-host.js';

// A kernel that never gets to run: each test stops it before its body.
const spec = (name: string): WasmKernelSpec<object> => ({
  name,
  outputShapes: (inputs) => [inputs[0]?.shape ?? []],
  run: () => {},
});

describe('errors of the fused-kernel host', () => {
  it('names the kernel and the input when a tensor the backend does not hold reaches a kernel', async () => {
    defineWasmKernel(spec('BntpTestForeignInput'));
    const kernel = tf.getKernel('BntpTestForeignInput', tf.getBackend());
    const held = tf.zeros([4]);
    const foreign: tf.TensorInfo = { dataId: {}, shape: [4], dtype: 'float32' };
    const error = await thrown(KernelError, () =>
      kernel?.kernelFunc({ inputs: { a: held, b: foreign }, backend: tf.backend(), attrs: {} }),
    );
    expect(error.code).toBe('KERNEL_INPUT_INVALID');
    expect(error.message).toBe(`BntpTestForeignInput: input 1 has no data on the ${tf.getBackend()} backend`);
    held.dispose();
  });

  it('fails with KERNEL_UNAVAILABLE, naming the kernel, where the module cannot be compiled', async () => {
    // A fresh copy of the host that finds no usable WebAssembly SIMD module.
    vi.resetModules();
    const validate = vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    try {
      const host = await import('./wasm-host.js');
      expect(host.wasmKernelsAvailable()).toBe(false);
      host.defineWasmKernel(spec('BntpTestNoSimd'));
      const x = tf.zeros([4]);
      const before = tf.memory().numTensors;
      const error = await thrown(KernelError, () => tf.engine().runKernel('BntpTestNoSimd', { x }, {}));
      expect(error.code).toBe('KERNEL_UNAVAILABLE');
      expect(error.message).toBe(
        'BntpTestNoSimd: WebAssembly SIMD is unavailable here; check wasmKernelsAvailable() first',
      );
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
    } finally {
      validate.mockRestore();
    }
  });
});
