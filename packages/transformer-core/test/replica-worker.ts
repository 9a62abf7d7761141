// Worker module for the data-parallel tests: the same tiny model and loss as the main thread, on its backend.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../runtime/src/index.js';
import type { ModelConfigInput } from '../src/config.js';
import { createModel } from '../src/model.js';
import { serveReplica } from '../src/parallel/serve-replica.js';
import { crossEntropy } from '../src/train/cross-entropy.js';

interface Shard {
  ids: number[][];
  targets: number[][];
  /**
   * Makes this replica die: `exit` at once (code 3); `throw` by an uncaught error before computing (no answer);
   * `later` by an uncaught error 10 ms after answering.
   */
  crash?: 'exit' | 'throw' | 'later';
}

await serveReplica<Shard>(async (data) => {
  const { config, backend } = data as { config: ModelConfigInput; backend: 'cpu' | 'wasm' };
  await initBackend({ backend });
  const model = createModel(config, { seed: 99 }); // weights are copied from the main thread every step
  return {
    params: model.params,
    // Head 0 only, with the shard's dropout (none unless the config has some).
    loss: ({ ids, targets, crash }, { training, seed }) => {
      if (crash === 'exit') process.exit(3);
      // serveReplica answers with the message of what the loss throws; this value fails even that, so the error
      // escapes its handler: an uncaught error in the worker, with no answer.
      if (crash === 'throw') {
        throw {
          toString() {
            throw new Error('replica crashed');
          },
        };
      }
      if (crash === 'later') {
        setTimeout(() => {
          throw new Error('replica crashed');
        }, 10);
      }
      return crossEntropy(
        model.forward(ids, { training, seed }).logits[0] as tf.Tensor3D,
        tf.tensor2d(targets, undefined, 'int32'),
      );
    },
  };
});
