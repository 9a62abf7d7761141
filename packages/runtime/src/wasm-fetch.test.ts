import { expect, it } from 'vitest';
import { awaitFailedWasmFetches, failedWasmFetches, wasmFailureReason } from './wasm-fetch.js';

const timings = (entries: Array<{ name: string; responseStatus?: number }>) => ({
  getEntriesByType: () => entries,
});

it('lists each failed .wasm fetch once, with its status, and ignores successes and other files', () => {
  const entries = [
    { name: 'http://h/page.js', responseStatus: 404 },
    { name: 'http://h/a/tfjs-backend-wasm-simd.wasm', responseStatus: 404 },
    { name: 'http://h/a/tfjs-backend-wasm-simd.wasm', responseStatus: 404 }, // tfjs retries
    { name: 'http://h/b/tfjs-backend-wasm.wasm?v=1', responseStatus: 0 },
    { name: 'http://h/c/tfjs-backend-wasm.wasm', responseStatus: 200 },
    { name: 'http://h/d/x.wasm' }, // a browser that does not report the status
  ];
  expect(failedWasmFetches(timings(entries))).toEqual([
    'http://h/a/tfjs-backend-wasm-simd.wasm (HTTP 404)',
    'http://h/b/tfjs-backend-wasm.wasm?v=1 (network error)',
    'http://h/d/x.wasm (network error)',
  ]);
  expect(failedWasmFetches(undefined)).toEqual([]);
});

it('names the URLs tried and the wasmPaths option, or keeps tfjs’s words when nothing failed to fetch', () => {
  const url = 'http://h/missing/tfjs-backend-wasm-simd.wasm (HTTP 404)';
  expect(wasmFailureReason('setBackend returned false', '/missing/', [url])).toBe(
    `could not fetch its .wasm binary from ${url}. Serve the .wasm files of @tensorflow/tfjs-backend-wasm ` +
      '(node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm) there, or pass the URL prefix they are served ' +
      "under as initBackend({ wasm: { wasmPaths } }) (wasmPaths is '/missing/')",
  );
  expect(wasmFailureReason('x', undefined, [url])).toMatch(
    /\(wasmPaths is not set, so the page’s own directory\)$/,
  );
  expect(wasmFailureReason('setBackend returned false', undefined, [])).toBe('setBackend returned false');
});

it('waits for failed .wasm entries that the browser records after setBackend has already failed', async () => {
  const late = { name: 'http://h/a/tfjs-backend-wasm-simd.wasm', responseStatus: 404 };
  let reads = 0;
  const timings = { getEntriesByType: () => (++reads < 3 ? [] : [late]) };
  await expect(awaitFailedWasmFetches({ timings, pollMs: 1, waitMs: 60_000 })).resolves.toEqual([
    'http://h/a/tfjs-backend-wasm-simd.wasm (HTTP 404)',
  ]);
  expect(reads).toBe(3);
});

it('gives up after waitMs, and returns at once where there is no resource timing', async () => {
  let reads = 0;
  const timings = {
    getEntriesByType: () => {
      reads += 1;
      return [];
    },
  };
  await expect(awaitFailedWasmFetches({ timings, pollMs: 1, waitMs: 5 })).resolves.toEqual([]);
  expect(reads).toBeGreaterThan(1);
  await expect(awaitFailedWasmFetches({ timings: undefined, waitMs: 60_000 })).resolves.toEqual([]);
  // In Node (this test), the default reader is undefined even though Node has a `performance`.
  await expect(awaitFailedWasmFetches({ waitMs: 60_000 })).resolves.toEqual([]);
});
