// Why the wasm backend failed to start in a browser. Its .wasm binaries are fetched at run time, from the page's
// directory or from `wasmPaths`; when that fails tfjs only says that setBackend returned false, so the URLs
// tried are read back from the browser's resource timing.

/** The part of `performance` read here. */
export interface ResourceTimings {
  getEntriesByType(type: 'resource'): ReadonlyArray<{ name: string; responseStatus?: number }>;
}

/**
 * The `.wasm` URLs fetched without success, each once, with the HTTP status (`…/tfjs-backend-wasm-simd.wasm
 * (HTTP 404)`), or `(network error)`; empty outside browsers.
 */
export function failedWasmFetches(timings: ResourceTimings | undefined = browserTimings()): string[] {
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

function browserTimings(): ResourceTimings | undefined {
  const timings = (globalThis as { performance?: Partial<ResourceTimings> }).performance;
  return typeof timings?.getEntriesByType === 'function' ? (timings as ResourceTimings) : undefined;
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
