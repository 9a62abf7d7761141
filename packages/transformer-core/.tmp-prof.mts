import { initBackend } from '@beyond-ntp/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { formatProfile, kernelProfile } from '../../bench/profile.ts';
import { createModel } from './src/model.ts';
import { crossEntropy } from './src/train/cross-entropy.ts';

await initBackend({ backend: 'wasm' });
const [d, L] = [+process.argv[2], +process.argv[3]];
const B = 32,
  T = 32,
  V = 64;
const model = createModel(
  { vocabSize: V, contextLength: T, dModel: d, nLayers: L, nHeads: 4, tieEmbeddings: false },
  { seed: 1 },
);
const ids = tf.randomUniform([B, T], 0, V, 'int32', 2) as tf.Tensor2D;
const tg = tf.randomUniform([B, T], 0, V, 'int32', 3) as tf.Tensor2D;
const step = () =>
  tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() =>
      crossEntropy(model.forward(ids).logits[0] as tf.Tensor3D, tg),
    );
    return tf.addN([value, ...Object.values(grads).map((g) => tf.sum(g))]);
  });
for (let i = 0; i < 2; i++) step().dispose();
const t0 = performance.now();
for (let i = 0; i < 5; i++) {
  const r = step();
  r.dataSync();
  r.dispose();
}
console.log('ms', ((performance.now() - t0) / 5).toFixed(1));
const p = await kernelProfile(step, 12);
console.log(formatProfile(p));
const total = p.reduce((s, k) => s + k.ms, 0);
console.log('kernel total (top12)', total.toFixed(0));
