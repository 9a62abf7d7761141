import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, describeBackend, initBackend } from './index.js';

const notInstalled = (specifier: string) =>
  Promise.reject(
    Object.assign(new Error(`Cannot find package '${specifier}'`), { code: 'ERR_MODULE_NOT_FOUND' }),
  );

function isResolvable(specifier: string): boolean {
  try {
    createRequire(import.meta.url).resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

describe('initBackend', () => {
  it('BNTP_BACKEND=cpu selects the pure-JS backend', async () => {
    const info = await initBackend({ env: { BNTP_BACKEND: 'cpu' } });
    expect(info).toMatchObject({ backend: 'cpu', gpu: false, requested: { backend: 'cpu', source: 'env' } });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('BNTP_BACKEND=wasm selects wasm and reports SIMD/threads', async () => {
    const info = await initBackend({ env: { BNTP_BACKEND: 'wasm' } });
    expect(info.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(typeof info.wasm?.simd).toBe('boolean');
    expect(tf.matMul([[1, 2]], [[3], [4]]).dataSync()[0]).toBe(11);
  });

  it('leaves no process-wide error handlers behind (the wasm glue installs rethrowing ones)', async () => {
    const count = () =>
      process.listenerCount('uncaughtException') + process.listenerCount('unhandledRejection');
    const before = count();
    await initBackend({ backend: 'wasm' });
    expect(count()).toBe(before);
  });

  it('the option wins over the env var', async () => {
    const info = await initBackend({ backend: 'cpu', env: { BNTP_BACKEND: 'wasm' } });
    expect(info.requested).toEqual({ backend: 'cpu', source: 'option' });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('BNTP_BACKEND=tensorflow fails with an actionable message when tfjs-node is absent', async () => {
    const nativeInstalled =
      isResolvable('@tensorflow/tfjs-node') || isResolvable('@tensorflow/tfjs-node-gpu');
    const attempt = initBackend({ env: { BNTP_BACKEND: 'tensorflow' } });
    if (nativeInstalled) {
      // With a native package present, the only acceptable outcomes are success or a load failure naming it.
      await attempt.then(
        (info) => expect(info.backend).toBe('tensorflow'),
        (error) => expect(String(error)).toMatch(/@tensorflow\/tfjs-node/),
      );
      return;
    }
    const error = await attempt.catch((e: unknown) => e);
    expect(BackendUnavailableError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('BNTP_BACKEND=tensorflow');
    expect(message).toContain('@tensorflow/tfjs-node: not installed');
    expect(message).toContain('pnpm add @tensorflow/tfjs-node');
    expect(message).toContain('BNTP_BACKEND=wasm');
  });

  it('a forced backend that is missing names the package (simulated install)', async () => {
    const error = await initBackend({ backend: 'tensorflow', importModule: notInstalled }).catch((e) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toContain('@tensorflow/tfjs-node-gpu: not installed');
    expect(error.message).toContain('CUDA 11.2');
  });

  it('an installed but broken native package is reported as failed, not missing', async () => {
    const broken = () =>
      Promise.reject(new Error('The Node.js native addon module (tfjs_binding.node) can not be found'));
    const error = await initBackend({ backend: 'tensorflow', importModule: broken }).catch((e) => e);
    expect(error.message).toContain('@tensorflow/tfjs-node: The Node.js native addon module');
  });

  it('auto falls back past unavailable native backends to wasm and records every attempt', async () => {
    const lines: string[] = [];
    const info = await initBackend({ env: {}, importModule: notInstalled, onLog: (l) => lines.push(l) });
    expect(info.requested).toEqual({ backend: 'auto', source: 'default' });
    expect(info.backend).toBe('wasm');
    expect(info.attempts.map((a) => [a.packageName, a.outcome])).toEqual([
      ['@tensorflow/tfjs-node-gpu', 'missing'],
      ['@tensorflow/tfjs-node', 'missing'],
      ['@tensorflow/tfjs-backend-wasm', 'selected'],
    ]);
    expect(lines.at(-1)).toBe(describeBackend(info));
  });

  it('uses the GPU flag of the native backend, so a silent CPU fallback is visible', async () => {
    const info = await initBackend({ backend: 'cpu' });
    expect(describeBackend({ ...info, backend: 'tensorflow', gpu: false })).toContain(
      'CPU only (no GPU in use)',
    );
    expect(describeBackend({ ...info, backend: 'tensorflow', gpu: true })).toContain('CUDA GPU in use');
  });

  it.each(['gpu', 'webgl', 'CPU'])('rejects unknown backend %j, listing the allowed values', async (name) => {
    await expect(initBackend({ env: { BNTP_BACKEND: name } })).rejects.toThrow(
      `Unknown backend "${name}" in environment variable BNTP_BACKEND. Allowed values: tensorflow, wasm, cpu, auto.`,
    );
  });
});
