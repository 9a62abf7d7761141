// The page the browser smoke test bundles (esbuild, --platform=browser) and runs in headless Chromium. It imports
// every package, as an app would, and reports to the test through `window.smoke`. The scenario comes from the
// query string: `train` (default backend, training, checkpoints), `missing-wasm` (the .wasm files 404) and
// `threads` (a cross-origin-isolated page with 2 wasm threads).
import * as coconut from '@beyond-ntp/coconut-curriculum';
import { BeyondNtpError, NodeOnlyError } from '@beyond-ntp/errors';
import * as layerLaw from '@beyond-ntp/layer-law-probe';
import * as multiToken from '@beyond-ntp/losses-multitoken';
import { describeBackend, initBackend } from '@beyond-ntp/runtime';
import * as specDecode from '@beyond-ntp/spec-decode';
import { generateArithmetic, readJsonl } from '@beyond-ntp/synth-tasks';
import * as reorder from '@beyond-ntp/target-reorder-mi';
import { createCharTokenizer, loadTokenizer } from '@beyond-ntp/tokenizer';
import {
  createModel,
  crossEntropy,
  listModelsInIndexedDB,
  loadModelFromBlob,
  loadModelFromIndexedDB,
  loadWasmKernels,
  type ModelConfigInput,
  modelToBlob,
  progressReporter,
  saveModel,
  saveModelToIndexedDB,
  type TransformerModel,
  train,
  wasmKernelsAvailable,
} from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';

type Report = Record<string, unknown>;
declare global {
  interface Window {
    smoke: Promise<Report>;
  }
}

// Each package's entry is reached (and so bundled), not only the ones the scenarios call.
const packages = { coconut, layerLaw, multiToken, specDecode, reorder };
const exportCounts = Object.fromEntries(Object.entries(packages).map(([k, v]) => [k, Object.keys(v).length]));

async function logitsOf(model: TransformerModel, ids: number[][]): Promise<number[]> {
  const { logits } = model.forward(ids);
  const values = Array.from(await (logits[0] as tf.Tensor).data());
  tf.dispose(logits);
  return values;
}

/** The fused WebAssembly kernels (names starting `Bntp`) a forward and backward pass of `model` runs. */
function fusedKernelsRun(model: TransformerModel, ids: number[][]): string[] {
  // Every kernel call goes through the engine's runKernel; record the names while one step runs.
  const engine = tf.engine();
  const runKernel = engine.runKernel;
  const names = new Set<string>();
  engine.runKernel = function (this: typeof engine, name, ...rest) {
    if (name.startsWith('Bntp')) names.add(name);
    return runKernel.call(this, name, ...rest);
  } as typeof runKernel;
  try {
    const loss = () => {
      const { logits } = model.forward(ids, { training: true, seed: 1 });
      return tf.mean(tf.square(logits[0] as tf.Tensor)) as tf.Scalar;
    };
    const { value, grads } = tf.variableGrads(loss, Object.values(model.params));
    tf.dispose([value, grads]);
  } finally {
    engine.runKernel = runKernel;
  }
  return [...names].sort();
}

/** Largest absolute difference between the logits of the fast kernels and of stock tfjs ops (same weights). */
async function fastVsReference(config: ModelConfigInput, ids: number[][]): Promise<number> {
  const fast = createModel(config, { seed: 3 });
  const reference = createModel(config, { seed: 3, kernels: 'reference' });
  const [a, b] = [await logitsOf(fast, ids), await logitsOf(reference, ids)];
  fast.dispose();
  reference.dispose();
  return Math.max(...a.map((x, i) => Math.abs(x - (b[i] as number))));
}

/** What a Node-only call rejects with: the NodeOnlyError's code and feature, or what else happened. */
const nodeOnly = (call: () => Promise<unknown>) =>
  call().then(
    () => 'resolved',
    (error) => (NodeOnlyError.isInstance(error) ? `${error.code}: ${error.feature}` : `other: ${error}`),
  );

async function trainScenario(): Promise<Report> {
  const info = await initBackend(); // default options: no `process` here
  const fusedKernels = await loadWasmKernels();

  // A char-level model learns a repeating text.
  const text = 'the quick brown fox jumps over the lazy dog. ';
  const tokenizer = createCharTokenizer({ text });
  const ids = tokenizer.encode(text.repeat(4));
  const context = 16;
  const config = {
    vocabSize: tokenizer.vocabSize,
    contextLength: context,
    dModel: 32,
    nLayers: 2,
    nHeads: 2,
  };
  const model = createModel(config, { seed: 1 });
  const batchOf = (step: number) => {
    const rows = Array.from({ length: 8 }, (_, i) =>
      ids.slice((step * 8 + i) % 40, ((step * 8 + i) % 40) + context + 1),
    );
    return { ids: rows.map((r) => r.slice(0, -1)), targets: rows.map((r) => r.slice(1)) };
  };
  const losses: number[] = [];
  const tensorsBefore = tf.memory().numTensors;
  const result = await train<ReturnType<typeof batchOf>>({
    params: model.params,
    batches: batchOf,
    lossFn: (batch, ctx) =>
      tf.tidy(() => {
        const { logits } = model.forward(batch.ids, { training: ctx.training, seed: ctx.seed });
        return crossEntropy(logits[0] as tf.Tensor3D, tf.tensor2d(batch.targets, undefined, 'int32'));
      }),
    steps: 30,
    learningRate: 3e-3,
    callbacks: [progressReporter({ logEvery: 10 }), { onStep: (m) => void losses.push(m.loss) }],
  });
  const tensorsAfter = tf.memory().numTensors;

  // Checkpoints: IndexedDB and a downloadable file, each loaded back into a model with the same logits.
  const probe = [ids.slice(0, context)];
  const expected = await logitsOf(model, probe);
  const tensorsBeforeSave = tf.memory().numTensors;
  await saveModelToIndexedDB('smoke', model);
  const fromDb = await loadModelFromIndexedDB('smoke');
  const fromDbSame = JSON.stringify(await logitsOf(fromDb, probe)) === JSON.stringify(expected);
  fromDb.dispose();
  const blob = await modelToBlob(model);
  const fromFile = await loadModelFromBlob(new File([blob], 'model.safetensors'));
  const fromFileSame = JSON.stringify(await logitsOf(fromFile, probe)) === JSON.stringify(expected);
  fromFile.dispose();
  const tensorsAfterLoads = tf.memory().numTensors;
  const fused = fusedKernelsRun(model, probe);
  model.dispose();

  return {
    backend: describeBackend(info),
    attempts: info.attempts.map((a) => `${a.packageName}: ${a.outcome}${a.reason ? ` (${a.reason})` : ''}`),
    fusedKernels: fusedKernels && wasmKernelsAvailable(),
    fusedKernelsRun: fused,
    steps: result.step,
    firstLoss: losses[0],
    lastLoss: losses.at(-1),
    tensorsBefore,
    tensorsAfter,
    savedKeys: await listModelsInIndexedDB(),
    fromDbSame,
    fromFileSame,
    blobBytes: blob.size,
    checkpointTensorsLeaked: tensorsAfterLoads - tensorsBeforeSave,
    arithmeticRecords: generateArithmetic({ count: 2, seed: 1 }).length,
    nodeOnly: await Promise.all([
      nodeOnly(() => saveModel('dir', createModel(config))),
      nodeOnly(() => loadTokenizer('tokenizer.json')),
      nodeOnly(() => readJsonl('data.jsonl')),
    ]),
    exportCounts,
  };
}

async function missingWasmScenario(): Promise<Report> {
  const error = await initBackend({ backend: 'wasm', wasm: { wasmPaths: '/missing/' } }).then(
    () => null,
    (e: unknown) => e,
  );
  return {
    isBeyondNtpError: BeyondNtpError.isInstance(error),
    message: error instanceof Error ? error.message : String(error),
  };
}

async function threadsScenario(): Promise<Report> {
  const info = await initBackend({ backend: 'wasm', wasm: { threads: 2 } });
  const compiled = await loadWasmKernels();
  const config = { vocabSize: 13, contextLength: 16, dModel: 32, nLayers: 2, nHeads: 2 };
  const ids = [Array.from({ length: 16 }, (_, i) => (i * 5) % 13)];
  const model = createModel(config);
  const tensorsBefore = tf.memory().numTensors;
  const fused = fusedKernelsRun(model, ids);
  const tensorsAfter = tf.memory().numTensors;
  model.dispose();
  return {
    crossOriginIsolated: globalThis.crossOriginIsolated,
    backend: describeBackend(info),
    wasm: info.wasm,
    compiled,
    fusedKernels: wasmKernelsAvailable(),
    fusedKernelsRun: fused,
    maxDifferenceFromReference: await fastVsReference(config, ids),
    tensorsLeaked: tensorsAfter - tensorsBefore,
  };
}

const scenarios: Record<string, () => Promise<Report>> = {
  train: trainScenario,
  'missing-wasm': missingWasmScenario,
  threads: threadsScenario,
};
const name = new URLSearchParams(location.search).get('scenario') ?? 'train';
// A failure reaches the test with its stack, which page.evaluate would otherwise drop.
window.smoke = (scenarios[name] ?? (() => Promise.reject(new Error(`unknown scenario ${name}`))))().catch(
  (error: unknown) => {
    throw new Error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  },
);
