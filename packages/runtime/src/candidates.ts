/** A TensorFlow.js backend this package can select. `tensorflow` is the native libtensorflow binding. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** Every backend name accepted by `initBackend` and `BNTP_BACKEND`, in fallback order. */
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/** One way of getting a backend: the npm package that provides it and how to load it. */
export interface BackendCandidate {
  backend: BackendName;
  packageName: string;
  /** Shown when a forced backend is missing. */
  installHint: string;
  load: (importModule: ModuleImporter) => Promise<unknown>;
}

/** Loads a module by specifier; injectable so the fallback logic can be tested without native packages. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

const NATIVE_HINT =
  'It downloads libtensorflow 2.9.1 at install time, so its build script must be allowed ' +
  '(pnpm: add it to onlyBuiltDependencies, or run `pnpm approve-builds`).';

// Order is preference: CUDA, native CPU, the embedded wasm binary, then pure JS.
export const CANDIDATES: readonly BackendCandidate[] = [
  {
    backend: 'tensorflow',
    packageName: '@tensorflow/tfjs-node-gpu',
    installHint: `pnpm add @tensorflow/tfjs-node-gpu  (needs CUDA 11.2 + cuDNN 8.1). ${NATIVE_HINT}`,
    load: (importModule) => importModule('@tensorflow/tfjs-node-gpu'),
  },
  {
    backend: 'tensorflow',
    packageName: '@tensorflow/tfjs-node',
    installHint: `pnpm add @tensorflow/tfjs-node  (native CPU). ${NATIVE_HINT}`,
    load: (importModule) => importModule('@tensorflow/tfjs-node'),
  },
  {
    backend: 'wasm',
    packageName: '@tensorflow/tfjs-backend-wasm',
    installHint: 'pnpm add @tensorflow/tfjs-backend-wasm',
    // Literal specifiers so bundlers include the backends this package depends on.
    load: () => import('@tensorflow/tfjs-backend-wasm'),
  },
  {
    backend: 'cpu',
    packageName: '@tensorflow/tfjs-backend-cpu',
    installHint: 'pnpm add @tensorflow/tfjs-backend-cpu',
    load: () => import('@tensorflow/tfjs-backend-cpu'),
  },
];

/**
 * Imports an optional package by a non-literal specifier, so bundlers do not try to resolve native packages
 * that a browser build never has.
 */
export const importOptional: ModuleImporter = (specifier) => import(/* @vite-ignore */ specifier);
