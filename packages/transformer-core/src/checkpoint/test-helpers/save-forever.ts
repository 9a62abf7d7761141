// Child process of checkpoint-kill.test.ts: saves checkpoints of steps 1, 2, 3, ... into argv[2] until killed.
// Every tensor of step s is filled with s, so a loaded checkpoint can be checked for being whole.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../runtime/src/index.js';
import { saveCheckpoint } from '../checkpoint.js';

await initBackend({ backend: 'cpu' });
const dir = process.argv[2] as string;
for (let step = 1; ; step++) {
  const params = { 'a.weight': tf.fill([512, 512], step), 'b.bias': tf.fill([1000], step) };
  const optimizerState = { 'exp_avg.a.weight': tf.fill([512, 512], step) };
  await saveCheckpoint(dir, {
    step,
    config: { step },
    params,
    optimizerState,
    trainerState: { filled: step },
  });
  tf.dispose([params, optimizerState]);
  process.stdout.write(`saved ${step}\n`);
}
