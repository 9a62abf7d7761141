// Why the wasm backend failed to start in a browser. Its .wasm binaries are fetched at run time, from the page's
// directory or from `wasmPaths`; when that fails tfjs only says that setBackend returned false, so the URLs
// tried are read back from the browser's resource timing. Chromium adds a failed fetch's resource-timing entry a
// little *after* setBackend has already returned false (measured: none at the rejection, all four 404s 500 ms
// later; the browser smoke test checks it), so the reader waits a bounded time for them.

/** The part of `performance` read here. */
export interface ResourceTimings {
  getEntriesByType(type: 'resource'): ReadonlyArray<{ name: string; responseStatus?: number }>;
}

/**
 * The `.wasm` URLs fetched without success, each once, with the HTTP status (`…/tfjs-backend-wasm-simd.wasm
 * (HTTP 404)`), or `(network error)`; empty outside browsers.
 */
export function failedWasmFetches(timings: ResourceTimings | undefined): string[] {
  if (timings === undefined) return [];
  const failed = new Map<string, string>();
  for (const { name, responseStatus } of timings.getEntriesByType('resource')) {
    if (!/\.wasm([?#]|$)/.test(name)) continue;
    // responseStatus is 0 for a network error or a blocked request, and missing in browsers that do not report it.
    if (responseStatus === undefined || responseStatus === 0) failed.set(name, `${name} (network error)`);
    else if (responseStatus >= 400) failed.set(name, `${name} (HTTP ${responseStatus})`);
  }
  return [...failed.values()];
}

/** Options of {@link awaitFailedWasmFetches}. */
export interface AwaitFailedWasmFetchesOptions {
  /** Where to read the entries; the browser's `performance` by default (undefined outside browsers). */
  timings?: ResourceTimings | undefined;
  /** How long to wait for the first failed entry, in ms (default 2000). */
  waitMs?: number;
  /** How often to look, in ms (default 50). */
  pollMs?: number;
}

/**
 * {@link failedWasmFetches}, waiting up to `waitMs` for the entries to appear: call it after the wasm backend
 * failed. Returns at once outside browsers, and as soon as one failed `.wasm` fetch is listed.
 */
export async function awaitFailedWasmFetches(options: AwaitFailedWasmFetchesOptions = {}): Promise<string[]> {
  const { timings = browserTimings(), waitMs = 2000, pollMs = 50 } = options;
  const deadline = Date.now() + waitMs;
  for (;;) {
    const failed = failedWasmFetches(timings);
    if (failed.length > 0 || timings === undefined || Date.now() >= deadline) return failed;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

function browserTimings(): ResourceTimings | undefined {
  // Node has a `performance` too, but its wasm backend reads the binaries from disk: nothing to wait for.
  const scope = globalThis as {
    performance?: Partial<ResourceTimings>;
    document?: unknown;
    importScripts?: unknown;
  };
  const inBrowser = scope.document !== undefined || typeof scope.importScripts === 'function';
  const timings = scope.performance;
  return inBrowser && typeof timings?.getEntriesByType === 'function'
    ? (timings as ResourceTimings)
    : undefined;
}

/**
 * Why the wasm backend did not start: `cause` (tfjs's own words), or, when its binaries could not be fetched,
 * the URLs tried and how to serve them or point `wasmPaths` at them.
 */
export function wasmFailureReason(cause: string, wasmPaths: string | undefined, fetches: string[]): string {
  if (fetches.length === 0) return cause;
  const where = wasmPaths === undefined ? 'not set, so the page’s own directory' : `'${wasmPaths}'`;
  return (
    `could not fetch its .wasm binary from ${fetches.join(', ')}. Serve the .wasm files of ` +
    '@tensorflow/tfjs-backend-wasm (node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm) there, or pass the ' +
    `URL prefix they are served under as initBackend({ wasm: { wasmPaths } }) (wasmPaths is ${where})`
  );
}
