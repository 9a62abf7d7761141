// Runs the WebAssembly SIMD kernels of assembly/kernels.ts as tfjs kernels. This file is the one place that
// knows tfjs backend internals. On the wasm backend the module imports the backend's own heap (the
// Emscripten module's memory, a shared memory when the backend runs threads, which needs the module variant that
// declares its memory shared), so kernels read inputs and write outputs in place, allocated by the backend;
// on the cpu backend, whose tensors are plain typed arrays, inputs are copied into a private memory and the
// outputs copied out. Other backends (webgl, tfjs-node) keep their data on a device: kernels are not offered.
import * as tf from '@tensorflow/tfjs-core';
import { KernelError } from './errors.js';
import { WASM_BASE64 as SHARED_WASM_BASE64 } from './wasm/kernels-shared-wasm.js';
import { WASM_BASE64 } from './wasm/kernels-wasm.js';

/** The functions of assembly/kernels.ts; pointers are byte offsets into the module's memory. */
export interface KernelExports {
  attentionForward(
    qkv: number,
    probs: number,
    y: number,
    B: number,
    T: number,
    H: number,
    hd: number,
    scale: number,
  ): void;
  attentionBackward(
    qkv: number,
    probs: number,
    dy: number,
    dqkv: number,
    scratch: number,
    B: number,
    T: number,
    H: number,
    hd: number,
    scale: number,
  ): void;
  geluForward(x: number, y: number, n: number): void;
  geluBackward(x: number, dy: number, dx: number, n: number): void;
  normForward(
    x: number,
    w: number,
    b: number,
    y: number,
    mean: number,
    rstd: number,
    rows: number,
    cols: number,
    eps: number,
    centered: boolean,
  ): void;
  normBackward(
    x: number,
    w: number,
    mean: number,
    rstd: number,
    dy: number,
    dx: number,
    dw: number,
    db: number,
    rows: number,
    cols: number,
    centered: boolean,
  ): void;
  transpose(src: number, dst: number, rows: number, cols: number): void;
}

// What this file uses of @tensorflow/tfjs-backend-wasm 4.x's BackendWasm. The single-threaded build exports its
// memory (`asm.memory`); the threaded one creates a shared memory and imports it (`wasmMemory`).
interface WasmBackend {
  wasm: {
    asm: { memory?: WebAssembly.Memory };
    wasmMemory?: WebAssembly.Memory;
    _malloc(bytes: number): number;
    _free(ptr: number): void;
  };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

// What this file uses of tfjs-core's MathBackendCPU.
interface CpuBackend {
  readSync(dataId: object): tf.backend_util.BackendValues;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

// The module for a plain memory, and the one for a shared memory (a threaded wasm backend's heap).
type Variant = 'plain' | 'shared';
const BASE64: Record<Variant, string> = { plain: WASM_BASE64, shared: SHARED_WASM_BASE64 };
const compiled: Record<Variant, WebAssembly.Module | null | undefined> = {
  plain: undefined,
  shared: undefined,
};

const moduleBytes = (variant: Variant) => Uint8Array.from(atob(BASE64[variant]), (c) => c.charCodeAt(0));
const hasWebAssembly = () => typeof WebAssembly === 'object';
const isShared = (memory: WebAssembly.Memory): boolean =>
  typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;

// Compiled once, synchronously, on first use. null where WebAssembly or its SIMD (or, shared, threads) extension is
// missing, or where synchronous compilation is refused (browsers' main threads refuse modules over 4 KB;
// loadWasmKernels() compiles asynchronously instead): the model then keeps stock ops.
function kernelModule(variant: Variant): WebAssembly.Module | null {
  if (compiled[variant] === undefined) {
    const bytes = moduleBytes(variant);
    try {
      compiled[variant] =
        hasWebAssembly() && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled[variant] = null;
    }
  }
  return compiled[variant];
}

/**
 * Compiles the fused WebAssembly kernels ahead of use and resolves to whether they are available. Optional in
 * Node and workers, where they compile on first use; on a browser's main thread, which refuses to compile
 * modules over 4 KB synchronously, await it once before training to get the fused kernels (with wasm threads
 * too: both the plain and the shared-memory module are compiled).
 */
export async function loadWasmKernels(): Promise<boolean> {
  for (const variant of ['plain', 'shared'] as const) {
    if (compiled[variant] === undefined || compiled[variant] === null) {
      const bytes = moduleBytes(variant);
      compiled[variant] =
        hasWebAssembly() && WebAssembly.validate(bytes) ? await WebAssembly.compile(bytes) : null;
    }
  }
  return compiled.plain !== null;
}

const instances = new WeakMap<WebAssembly.Memory, KernelExports>();

// `kernelName` names the kernel in the error thrown where the module cannot be compiled.
function instantiate(memory: WebAssembly.Memory, kernelName: string): KernelExports {
  let k = instances.get(memory);
  if (k === undefined) {
    const module = kernelModule(isShared(memory) ? 'shared' : 'plain');
    if (module === null) {
      throw new KernelError(
        'KERNEL_UNAVAILABLE',
        `${kernelName}: WebAssembly SIMD is unavailable here; check wasmKernelsAvailable() first`,
      );
    }
    k = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
    instances.set(memory, k);
  }
  return k;
}

function isWasmBackend(backend: unknown): backend is WasmBackend {
  const b = backend as Partial<WasmBackend>;
  return b.wasm !== undefined && heapOf(b as WasmBackend) !== undefined && typeof b.makeOutput === 'function';
}

// The wasm backend's heap: exported by its single-threaded build, created and imported by its threaded one.
function heapOf(backend: WasmBackend): WebAssembly.Memory | undefined {
  const memory = backend.wasm.asm?.memory ?? backend.wasm.wasmMemory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}

/** Byte offsets of a kernel call's inputs and outputs (in order) and of its scratch space. */
export interface Pointers {
  inputs: number[];
  outputs: number[];
  scratch: number;
}

type Run = (k: KernelExports, at: Pointers) => void;

// Runs on the wasm backend's heap: inputs where they are, outputs allocated by the backend.
function runOnWasmHeap(
  backend: WasmBackend,
  k: KernelExports,
  inputs: tf.TensorInfo[],
  outputShapes: number[][],
  scratchFloats: number,
  run: Run,
): tf.TensorInfo[] {
  // Inputs were checked by the kernel function; outputs were just allocated by the backend.
  const pointer = (t: tf.TensorInfo) =>
    (backend.dataIdMap.get(t.dataId) as { memoryOffset: number }).memoryOffset;
  const outputs = outputShapes.map((shape) => backend.makeOutput(shape, 'float32'));
  const scratch = scratchFloats > 0 ? backend.wasm._malloc(4 * scratchFloats) : 0;
  try {
    run(k, { inputs: inputs.map(pointer), outputs: outputs.map(pointer), scratch });
  } finally {
    if (scratch !== 0) backend.wasm._free(scratch);
  }
  return outputs;
}

let privateMemory: WebAssembly.Memory | undefined;

// Copies inputs into a private memory, runs, and copies the outputs out as new cpu tensors.
function runOnPrivateMemory(
  backend: CpuBackend,
  inputs: tf.TensorInfo[],
  outputShapes: number[][],
  scratchFloats: number,
  run: Run,
  kernelName: string,
): tf.TensorInfo[] {
  privateMemory ??= new WebAssembly.Memory({ initial: 1 });
  const memory = privateMemory;
  const k = instantiate(memory, kernelName);
  const sizes = [
    ...inputs.map((t) => tf.util.sizeFromShape(t.shape)),
    ...outputShapes.map(tf.util.sizeFromShape),
  ];
  const offsets: number[] = []; // in floats, 16-byte aligned
  let end = 0;
  for (const size of [...sizes, scratchFloats]) {
    offsets.push(end / 4);
    end += Math.ceil(size / 4) * 16;
  }
  const pages = Math.ceil(end / 65536) - memory.buffer.byteLength / 65536;
  if (pages > 0) memory.grow(pages);
  const heap = new Float32Array(memory.buffer);
  inputs.forEach((t, i) => {
    heap.set(backend.readSync(t.dataId) as Float32Array, offsets[i]);
  });
  const pointers = offsets.map((o) => 4 * o);
  run(k, {
    inputs: pointers.slice(0, inputs.length),
    outputs: pointers.slice(inputs.length, -1),
    scratch: pointers[sizes.length] as number,
  });
  return outputShapes.map((shape, i) => {
    const at = offsets[inputs.length + i] as number;
    // A copy, not a view: the cpu backend keeps the array it is given, and the next kernel reuses this memory.
    return backend.makeTensorInfo(shape, 'float32', heap.slice(at, at + tf.util.sizeFromShape(shape)));
  });
}

/** Whether the WebAssembly kernels run on the active backend (wasm or cpu, with WebAssembly SIMD). */
export function wasmKernelsAvailable(): boolean {
  const name = tf.getBackend();
  if (name === 'cpu') return kernelModule('plain') !== null;
  const backend = tf.backend();
  if (name !== 'wasm' || !isWasmBackend(backend)) return false;
  return kernelModule(isShared(heapOf(backend) as WebAssembly.Memory) ? 'shared' : 'plain') !== null;
}

/** A tfjs kernel run by {@link defineWasmKernel}: float32 inputs in, float32 outputs of the given shapes out. */
export interface WasmKernelSpec<A> {
  /** The tfjs kernel name, for `tf.engine().runKernel` and profiles. */
  name: string;
  outputShapes(inputs: tf.TensorInfo[], attrs: A): number[][];
  /** Floats of scratch space the call needs. @default 0 */
  scratchFloats?(inputs: tf.TensorInfo[], attrs: A): number;
  run(k: KernelExports, at: Pointers, inputs: tf.TensorInfo[], attrs: A): void;
}

/** Registers `spec` as a kernel of the wasm and cpu backends (once per name). */
export function defineWasmKernel<A extends object>(spec: WasmKernelSpec<A>): void {
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const list = Object.values(inputs) as tf.TensorInfo[];
    const a = attrs as unknown as A;
    const shapes = spec.outputShapes(list, a);
    const scratch = spec.scratchFloats?.(list, a) ?? 0;
    const run: Run = (k, at) => spec.run(k, at, list, a);
    // tfjs moves every input to the running backend first; a foreign one means the kernel was called directly.
    const foreign = list.findIndex((t) => (backend as tf.KernelBackend).refCount(t.dataId) === 0);
    if (foreign >= 0) {
      throw new KernelError(
        'KERNEL_INPUT_INVALID',
        `${spec.name}: input ${foreign} has no data on the ${tf.getBackend()} backend`,
      );
    }
    if (isWasmBackend(backend)) {
      const k = instantiate(heapOf(backend) as WebAssembly.Memory, spec.name);
      return runOnWasmHeap(backend, k, list, shapes, scratch, run);
    }
    return runOnPrivateMemory(backend as unknown as CpuBackend, list, shapes, scratch, run, spec.name);
  };
  for (const backendName of ['wasm', 'cpu']) {
    if (tf.getKernel(spec.name, backendName) === undefined) {
      tf.registerKernel({ kernelName: spec.name, backendName, kernelFunc });
    }
  }
}

// Specs already registered, so a kernel call does not rebuild its kernel function or look it up again.
const defined = new WeakSet<object>();

/** Runs a kernel registered by {@link defineWasmKernel} (registering it on first use). */
export function runWasmKernel<A extends object>(
  spec: WasmKernelSpec<A>,
  inputs: Record<string, tf.Tensor>,
  attrs: A,
): tf.Tensor[] {
  if (!defined.has(spec)) {
    defineWasmKernel(spec);
    defined.add(spec);
  }
  const out = tf.engine().runKernel(spec.name, inputs, attrs as unknown as tf.NamedAttrMap);
  return Array.isArray(out) ? out : [out];
}
