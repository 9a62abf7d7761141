import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../config.js';
import { type CreateModelOptions, createModel, type TransformerModel } from '../model.js';
import { assignParams } from './tensors.js';

/**
 * A new model of `config` holding `weights`, which must match its parameters exactly (names and shapes; errors
 * name `source`). Takes ownership of `weights`: they are disposed whether or not the model is built, and a failure
 * leaves nothing allocated.
 */
export function modelWithWeights(
  config: ModelConfig,
  weights: Record<string, tf.Tensor>,
  options: CreateModelOptions & { source: string },
): TransformerModel {
  let model: TransformerModel | undefined;
  try {
    model = createModel(config, { seed: options.seed, kernels: options.kernels });
    assignParams(model.params, weights, options.source);
    return model;
  } catch (error) {
    model?.dispose();
    throw error;
  } finally {
    tf.dispose(weights);
  }
}
