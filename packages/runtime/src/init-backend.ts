import * as tf from '@tensorflow/tfjs-core';
import {
  BACKEND_NAMES,
  type BackendCandidate,
  type BackendName,
  CANDIDATES,
  importOptional,
  type ModuleImporter,
} from './candidates.js';
import { BackendUnavailableError } from './errors.js';
import { registerGradients } from './gradients.js';
import { awaitFailedWasmFetches, wasmFailureReason } from './wasm-fetch.js';

/** The environment variable that forces a backend: `tensorflow`, `wasm`, `cpu` or `auto`. */
export const BACKEND_ENV_VAR = 'BNTP_BACKEND';

/** Options for {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * Force a backend. `'auto'` (the default) tries tensorflow (GPU, then CPU), wasm, cpu in that order.
   * When omitted, `BNTP_BACKEND` from `env` is used.
   */
  backend?: BackendName | 'auto';
  /** Where `BNTP_BACKEND` is read from. @default process.env in Node; nothing in a browser */
  env?: Record<string, string | undefined>;
  /** Receives one human-readable line per decision (what was tried, what was chosen). */
  onLog?: (message: string) => void;
  /** wasm-only settings, applied before the wasm backend initialises. */
  wasm?: {
    /** Directory or URL prefix holding the `.wasm` binaries (browsers serving them from a CDN or public dir). */
    wasmPaths?: string;
    /** Thread count when the platform supports wasm threads (browsers with cross-origin isolation). */
    threads?: number;
  };
  /** @internal Replaces dynamic `import()` of optional packages; tests use it to simulate installs. */
  importModule?: ModuleImporter;
}

/** One attempt made while selecting a backend. */
export interface BackendAttempt {
  /** The backend this attempt would have provided. */
  backend: BackendName;
  /** The npm package that was loaded (or not). */
  packageName: string;
  /** `missing`: package not installed; `failed`: installed but could not start. */
  outcome: 'selected' | 'missing' | 'failed';
  /** Why the attempt did not succeed. */
  reason?: string;
}

/** What {@link initBackend} selected. */
export interface BackendInfo {
  /** The active tfjs backend (`tf.getBackend()`). */
  backend: BackendName;
  /** The npm package that provided it. */
  packageName: string;
  /** What was asked for, and whether it came from the option, the env var or the default. */
  requested: {
    /** The requested backend, or `auto` for the fallback chain. */
    backend: BackendName | 'auto';
    /** Where the request came from: the `backend` option, `BNTP_BACKEND`, or neither. */
    source: 'option' | 'env' | 'default';
  };
  /**
   * True only when a CUDA device is really used. tfjs-node-gpu silently runs on the CPU when the CUDA/cuDNN
   * versions do not match, so this reads the backend's own `isUsingGpuDevice` flag.
   */
  gpu: boolean;
  /** wasm only: SIMD and threads as detected by tfjs. */
  wasm?: {
    /** wasm SIMD is available (tfjs picks the SIMD binary). */
    simd: boolean;
    /** wasm threads are available (browsers with cross-origin isolation; never in Node). */
    threads: boolean;
  };
  /** Everything tried, in order. */
  attempts: BackendAttempt[];
}

function resolveRequest(options: InitBackendOptions): BackendInfo['requested'] {
  if (options.backend !== undefined)
    return { backend: validateName(options.backend, 'option `backend`'), source: 'option' };
  // Browsers have no `process`: there only the option can force a backend.
  const env = options.env ?? (typeof process === 'undefined' ? {} : process.env);
  const fromEnv = env[BACKEND_ENV_VAR]?.trim();
  if (fromEnv)
    return { backend: validateName(fromEnv, `environment variable ${BACKEND_ENV_VAR}`), source: 'env' };
  return { backend: 'auto', source: 'default' };
}

function validateName(value: string, where: string): BackendName | 'auto' {
  if (value === 'auto' || (BACKEND_NAMES as readonly string[]).includes(value))
    return value as BackendName | 'auto';
  throw new BackendUnavailableError(
    `Unknown backend "${value}" in ${where}. Allowed values: ${[...BACKEND_NAMES, 'auto'].join(', ')}.`,
  );
}

function isMissingModule(error: unknown, packageName: string): boolean {
  const e = error as { code?: string; message?: string };
  const message = e?.message ?? '';
  // Node sets a code; bundlers and test runners only say so in the message.
  const notFound =
    e?.code === 'ERR_MODULE_NOT_FOUND' ||
    e?.code === 'MODULE_NOT_FOUND' ||
    /cannot find (package|module)|could not resolve|failed to resolve/i.test(message);
  return notFound && message.includes(packageName);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

async function activate(candidate: BackendCandidate, options: InitBackendOptions): Promise<void> {
  const before = processListeners();
  try {
    const loaded = await candidate.load(options.importModule ?? importOptional);
    if (candidate.backend === 'wasm') configureWasm(loaded, options);
    const ok = await tf.setBackend(candidate.backend);
    if (!ok) {
      throw new Error(`tf.setBackend('${candidate.backend}') returned false (backend failed to initialise)`);
    }
    await tf.ready();
  } finally {
    removeListenersAddedSince(before);
  }
}

// The wasm backend's Emscripten glue installs process-wide `uncaughtException`/`unhandledRejection` handlers
// that rethrow, which makes Node print the whole minified glue file above every uncaught error in the app and
// turns every unhandled rejection into a crash. Removing exactly the handlers added while a backend started
// restores Node's own behaviour.
const PROCESS_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;
type Listener = (...args: unknown[]) => void;
// Typed as a plain emitter: the events are only ever read back and removed, never emitted.
const emitter = (): NodeJS.EventEmitter => process;

function processListeners(): Map<string, Set<Listener>> {
  const listeners = new Map<string, Set<Listener>>();
  if (typeof process === 'undefined' || typeof process.listeners !== 'function') return listeners;
  for (const event of PROCESS_EVENTS) listeners.set(event, new Set(emitter().listeners(event) as Listener[]));
  return listeners;
}

function removeListenersAddedSince(before: Map<string, Set<Listener>>): void {
  for (const [event, existing] of before) {
    for (const listener of emitter().listeners(event) as Listener[]) {
      if (!existing.has(listener)) emitter().removeListener(event, listener);
    }
  }
}

function configureWasm(module: unknown, options: InitBackendOptions): void {
  // Both calls are only honoured before the wasm backend first initialises.
  if (tf.findBackend('wasm') !== null) return;
  const wasm = module as { setWasmPaths?: (p: string) => void; setThreadsCount?: (n: number) => void };
  if (options.wasm?.wasmPaths) wasm.setWasmPaths?.(options.wasm.wasmPaths);
  if (options.wasm?.threads) wasm.setThreadsCount?.(options.wasm.threads);
}

async function describeActive(
  candidate: BackendCandidate,
): Promise<Pick<BackendInfo, 'gpu' | 'wasm' | 'backend' | 'packageName'>> {
  const active = tf.backend() as { isUsingGpuDevice?: boolean };
  const info: Pick<BackendInfo, 'gpu' | 'wasm' | 'backend' | 'packageName'> = {
    backend: candidate.backend,
    packageName: candidate.packageName,
    gpu: active.isUsingGpuDevice === true,
  };
  if (candidate.backend === 'wasm') {
    info.wasm = {
      simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
      threads: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
    };
  }
  return info;
}

/**
 * Selects and initialises a TensorFlow.js backend, preferring the fastest one available:
 * `@tensorflow/tfjs-node-gpu` → `@tensorflow/tfjs-node` → wasm (embedded default) → cpu.
 *
 * A forced backend (option `backend` or env `BNTP_BACKEND`) that cannot be loaded is an error naming the missing
 * package and how to install it; in `auto` mode failures fall through to the next candidate. It also registers
 * tfjs-core's gradients (see {@link registerGradients}), which tfjs-core alone does not do in Node.
 *
 * @example
 * ```ts
 * import { initBackend, describeBackend } from '@beyond-ntp/runtime';
 * const info = await initBackend({ backend: 'cpu' });
 * console.log(describeBackend(info)); // "backend: cpu (@tensorflow/tfjs-backend-cpu)"
 * ```
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const requested = resolveRequest(options);
  registerGradients();
  const log = options.onLog ?? (() => {});
  const candidates = CANDIDATES.filter(
    (c) => requested.backend === 'auto' || c.backend === requested.backend,
  );
  const attempts: BackendAttempt[] = [];

  for (const candidate of candidates) {
    try {
      await activate(candidate, options);
    } catch (error) {
      const missing = isMissingModule(error, candidate.packageName);
      const reason = missing
        ? 'not installed'
        : candidate.backend === 'wasm'
          ? wasmFailureReason(firstLine(error), options.wasm?.wasmPaths, await awaitFailedWasmFetches())
          : firstLine(error);
      attempts.push({
        backend: candidate.backend,
        packageName: candidate.packageName,
        outcome: missing ? 'missing' : 'failed',
        reason,
      });
      log(`${candidate.packageName}: ${reason}`);
      continue;
    }
    attempts.push({ backend: candidate.backend, packageName: candidate.packageName, outcome: 'selected' });
    const info: BackendInfo = { ...(await describeActive(candidate)), requested, attempts };
    log(describeBackend(info));
    return info;
  }

  throw new BackendUnavailableError(unavailableMessage(requested, candidates, attempts));
}

function unavailableMessage(
  requested: BackendInfo['requested'],
  candidates: readonly BackendCandidate[],
  attempts: BackendAttempt[],
): string {
  const how =
    requested.source === 'env'
      ? `${BACKEND_ENV_VAR}=${requested.backend}`
      : `backend: '${requested.backend}'`;
  const lines = attempts.map((a) => `  - ${a.packageName}: ${a.reason}`);
  // Installing helps only where a package is missing, not where one is installed and failed to start.
  const missing = new Set(attempts.filter((a) => a.outcome === 'missing').map((a) => a.packageName));
  const hints = candidates.filter((c) => missing.has(c.packageName)).map((c) => `  - ${c.installHint}`);
  const other = requested.backend === 'wasm' ? 'cpu' : `wasm (embedded, no native download)`;
  return [
    `Backend "${requested.backend}" was requested (${how}) but could not be loaded:`,
    ...lines,
    ...(hints.length > 0 ? ['Install one of:', ...hints] : []),
    `Or choose another backend with the \`backend\` option (in Node also ${BACKEND_ENV_VAR}), e.g. ${BACKEND_ENV_VAR}=${other}.`,
  ].join('\n');
}

/** One line describing a selection, e.g. `backend: wasm (@tensorflow/tfjs-backend-wasm, SIMD on, threads off)`. */
export function describeBackend(info: BackendInfo): string {
  const details = [info.packageName];
  if (info.backend === 'tensorflow') details.push(info.gpu ? 'CUDA GPU in use' : 'CPU only (no GPU in use)');
  if (info.wasm)
    details.push(`SIMD ${info.wasm.simd ? 'on' : 'off'}`, `threads ${info.wasm.threads ? 'on' : 'off'}`);
  return `backend: ${info.backend} (${details.join(', ')})`;
}
