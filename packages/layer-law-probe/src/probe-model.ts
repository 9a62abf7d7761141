import type { TransformerModel } from '@beyond-ntp/transformer-core';
import { invalidOption, shown } from './errors.js';
import { LayerProbe } from './layer-probe.js';
import { modelLayerNames, readModelHiddenStates } from './model-adapter.js';
import { DEFAULT_NORM_EPS, type Normalization } from './normalization.js';
import type { ProbeTarget } from './targets.js';

/**
 * One batch of sequences for {@link probeModel}: token ids `[B][T]`, or ids with a mask `[B][T]` (1 = token,
 * 0 = padding). transformer-core has no attention mask yet, so pad on the right (with any valid id): causal
 * attention keeps padding out of every real position's state.
 */
export type ModelBatch =
  | number[][]
  | {
      /** Token ids `[B][T]`. */
      ids: number[][];
      /** `[B][T]`: 1 for a token, 0 for padding. */
      mask?: number[][];
    };

/** Options of {@link probeModel}. */
export interface ProbeModelOptions {
  /** The model to probe; it is only read (no gradients, no dropout). */
  model: TransformerModel;
  /** The probing data, batch by batch (an array, a generator or an async generator). */
  batches: Iterable<ModelBatch> | AsyncIterable<ModelBatch>;
  /**
   * How states below the last are normalised per token: `initialized-norm` is a fresh copy of the model's final
   * norm (its `config.norm`, ε = 1e-5 as transformer-core uses), the authors' default.
   * @default 'initialized-norm'
   */
  normalization?: Normalization['kind'];
  /**
   * What the states are regressed onto (the probe's `targets`).
   * @default ['next']
   */
  targets?: ProbeTarget[];
  /**
   * Also fit the one-hot target (the probe's `oneHot`).
   * @default false
   */
  oneHot?: boolean;
  /**
   * First entry of the law fits (the probe's `lawFrom`).
   * @default 1 (the embedding output is left out, as by the authors)
   */
  lawFrom?: number;
}

/**
 * Streams a transformer-core model's hidden states over `batches` into a {@link LayerProbe} and returns it; call
 * `report()` on it (with another probe as `heldOut` for held-out PR). Entries are named `embed`, `blocks.<l>`,
 * `heads.0`; the last carries the model's trained final norm, as in the Hugging Face layout the law is defined
 * on, so the law is fitted over the model's L blocks on the next-token path. Leaves no tensor behind.
 *
 * @throws {LayerLawError} for bad options or batches; transformer-core's `ModelError` for ids it cannot run.
 */
export async function probeModel(options: ProbeModelOptions): Promise<LayerProbe> {
  const { model, batches, normalization = 'initialized-norm' } = options;
  if (typeof model?.forward !== 'function' || typeof model.finalNorm !== 'function') {
    throw invalidOption('model', 'must be a transformer-core TransformerModel');
  }
  if (
    batches === null ||
    typeof batches !== 'object' ||
    !(Symbol.iterator in batches || Symbol.asyncIterator in batches)
  ) {
    throw invalidOption(
      'batches',
      `must be an iterable or async iterable of batches (got ${shown(batches)})`,
    );
  }
  const layerNames = modelLayerNames(model.config);
  const probe = new LayerProbe({
    dModel: model.config.dModel,
    layers: layerNames.length,
    layerNames,
    normalization:
      normalization === 'initialized-norm'
        ? { kind: normalization, norm: model.config.norm, eps: DEFAULT_NORM_EPS }
        : ({ kind: normalization } as Normalization),
    ...(options.targets === undefined ? {} : { targets: options.targets }),
    ...(options.oneHot === undefined ? {} : { oneHot: options.oneHot }),
    ...(options.lawFrom === undefined ? {} : { lawFrom: options.lawFrom }),
  });
  for await (const batch of batches) {
    const { ids, mask } = Array.isArray(batch) ? { ids: batch, mask: undefined } : batch;
    const { states } = await readModelHiddenStates(model, ids);
    probe.add({ hiddenStates: states, ids, ...(mask === undefined ? {} : { mask }) });
  }
  return probe;
}
