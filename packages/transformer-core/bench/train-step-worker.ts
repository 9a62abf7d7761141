// Worker replica for the data-parallel rows of train-step.bench.ts: same model and loss on wasm.
import { initBackend } from '@beyond-ntp/runtime';
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfigInput } from '../src/config.js';
import { createModel } from '../src/model.js';
import { serveReplica } from '../src/parallel/serve-replica.js';
import { crossEntropy } from '../src/train/cross-entropy.js';

await serveReplica<{ ids: number[][]; targets: number[][] }>(async (data) => {
  await initBackend({ backend: 'wasm' });
  const model = createModel(data as ModelConfigInput, { seed: 0 });
  return {
    params: model.params,
    loss: ({ ids, targets }) =>
      crossEntropy(model.forward(ids).logits[0] as tf.Tensor3D, tf.tensor2d(targets, undefined, 'int32')),
  };
});
