// The worker of `multiTokenParallel`: rebuilds the main thread's model and the shard loss from the data it was
// started with, then serves gradient requests (the weights are copied from the main thread before every shard).
import { initBackend } from '@beyond-ntp/runtime';
import { createModel, serveReplica } from '@beyond-ntp/transformer-core';
import { type MultiTokenReplicaData, type MultiTokenShard, multiTokenShardLoss } from './multi-token.js';

await serveReplica<MultiTokenShard>(async (data) => {
  const { config, objective, backend } = data as MultiTokenReplicaData;
  await initBackend({ backend });
  const model = createModel(config);
  return { params: model.params, loss: multiTokenShardLoss({ ...objective, model }) };
});
