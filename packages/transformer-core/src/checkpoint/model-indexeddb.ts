// Models kept in a browser's IndexedDB, each as the bytes of one safetensors file (model-bytes.ts), so what is
// stored is exactly what modelToBlob offers for download.
import type { TransformerModel } from '../model.js';
import { CheckpointError } from './errors.js';
import { type ModelBytesOptions, modelFromSafetensors, modelToSafetensors } from './model-bytes.js';

/** Where models live in IndexedDB. */
export interface IndexedDBOptions {
  /**
   * The database name; it holds one object store, `models`, keyed by the key each model is saved under.
   * @default 'beyond-ntp'
   */
  database?: string;
}

/** Options of {@link loadModelFromIndexedDB}: where to look, and those of building the model. */
export interface LoadModelFromIndexedDBOptions extends IndexedDBOptions, ModelBytesOptions {}

const STORE = 'models';
const DEFAULT_DATABASE = 'beyond-ntp';

// The stored value; an object rather than bare bytes, so fields can be added without a new database version.
interface StoredModel {
  safetensors: Uint8Array;
}

/**
 * Saves the model under `key` (replacing what was there) as one safetensors file holding its weights and config.
 * Leaves `tf.memory().numTensors` unchanged.
 */
export async function saveModelToIndexedDB(
  key: string,
  model: TransformerModel,
  options: IndexedDBOptions = {},
): Promise<void> {
  // Read the weights first: a transaction commits as soon as it waits on anything but its own requests.
  const value: StoredModel = { safetensors: await modelToSafetensors(model) };
  await withStore(options, 'readwrite', (store) => store.put(value, key));
}

/**
 * Loads the model saved under `key` by {@link saveModelToIndexedDB}. The caller owns the model.
 *
 * @throws {CheckpointError} `CHECKPOINT_NOT_FOUND` when nothing is stored under `key`; otherwise as
 * {@link modelFromSafetensors}, naming `indexeddb:<database>/<key>`.
 */
export async function loadModelFromIndexedDB(
  key: string,
  options: LoadModelFromIndexedDBOptions = {},
): Promise<TransformerModel> {
  const source = options.source ?? `indexeddb:${options.database ?? DEFAULT_DATABASE}/${key}`;
  const stored = (await withStore(options, 'readonly', (store) => store.get(key))) as StoredModel | undefined;
  if (stored?.safetensors === undefined) {
    throw new CheckpointError('CHECKPOINT_NOT_FOUND', source, 'no model is saved under this key');
  }
  return modelFromSafetensors(stored.safetensors, { ...options, source });
}

/** The keys of the models saved in the database, sorted. */
export async function listModelsInIndexedDB(options: IndexedDBOptions = {}): Promise<string[]> {
  const keys = await withStore(options, 'readonly', (store) => store.getAllKeys());
  return keys.map(String).sort();
}

/** Deletes the model saved under `key`; nothing happens when there is none. */
export async function deleteModelFromIndexedDB(key: string, options: IndexedDBOptions = {}): Promise<void> {
  await withStore(options, 'readwrite', (store) => store.delete(key));
}

// Runs one request in its own transaction and resolves, once the transaction has committed, to its result.
async function withStore<T>(
  options: IndexedDBOptions,
  mode: IDBTransactionMode,
  request: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const database = await openDatabase(options.database ?? DEFAULT_DATABASE);
  try {
    const transaction = database.transaction(STORE, mode);
    const pending = request(transaction.objectStore(STORE));
    await new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
    });
    return pending.result;
  } finally {
    database.close();
  }
}

function openDatabase(name: string): Promise<IDBDatabase> {
  const factory = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (factory === undefined) {
    return Promise.reject(
      new CheckpointError(
        'CHECKPOINT_UNSUPPORTED',
        `indexeddb:${name}`,
        'IndexedDB is not available here; in Node save models to a directory with saveModel(dir, model)',
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const open = factory.open(name, 1);
    open.onupgradeneeded = () => {
      if (!open.result.objectStoreNames.contains(STORE)) open.result.createObjectStore(STORE);
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
    open.onblocked = () =>
      reject(
        new CheckpointError(
          'CHECKPOINT_UNSUPPORTED',
          `indexeddb:${name}`,
          'the database is blocked by another tab holding an older version open; close it and retry',
        ),
      );
  });
}
