import { initBackend } from '@beyond-ntp/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { type BenchContext, type BenchReport, median } from '../../../bench/harness.js';
import { AdamW } from '../src/train/adamw.js';
import { crossEntropy } from '../src/train/cross-entropy.js';

// Two training-step pieces next to the stock tfjs way of doing the same thing, per backend, in one run:
// the loss (forward + backward) and the optimizer update.

async function timeMs(run: () => tf.Tensor | undefined, repeats: number, warmUp = true): Promise<number> {
  const once = async () => {
    const start = performance.now();
    const out = run();
    if (out !== undefined) {
      await out.data();
      out.dispose();
    }
    return performance.now() - start;
  };
  if (warmUp) await once(); // kernel setup, wasm memory growth
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) times.push(await once());
  return median(times);
}

type LossFn = (logits: tf.Tensor2D, targets: tf.Tensor1D) => tf.Scalar;

const lossVariants: Record<string, LossFn> = {
  'crossEntropy (ours)': (z, t) => crossEntropy(z, t),
  'autodiff logSoftmax × oneHot': (z, t) =>
    tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(z), tf.oneHot(t, z.shape[1])), -1))) as tf.Scalar,
  'autodiff gather (stock GatherV2 grad)': (z, t) => {
    const rows = z.shape[0];
    const picked = tf.gather(
      tf.reshape(z, [-1]),
      tf.add(tf.range(0, rows * z.shape[1], z.shape[1], 'int32'), t),
    );
    return tf.mean(tf.sub(tf.logSumExp(z, -1), picked)) as tf.Scalar;
  },
};

export default async function trainStepBench({ quick, log }: BenchContext): Promise<BenchReport> {
  // [B·T positions, vocabulary] shapes of the loss; the stock gather gradient is far too slow for the large one.
  const lossShapes: Array<[number, number]> = quick
    ? [[512, 256]]
    : [
        [512, 256],
        [2048, 1024],
      ];
  const paramCount = quick ? 256 * 256 : 1024 * 1024;
  const repeats = quick ? 3 : 7;
  const rows: BenchReport['rows'] = [];
  for (const backend of ['wasm', 'cpu'] as const) {
    await initBackend({ backend });
    for (const [positions, vocab] of lossShapes) {
      const logits = tf.randomNormal([positions, vocab], 0, 2, 'float32', 1) as tf.Tensor2D;
      const targets = tf.randomUniform([positions], 0, vocab, 'int32', 2) as tf.Tensor1D;
      let ours = 0;
      for (const [name, loss] of Object.entries(lossVariants)) {
        const stockGather = name.includes('gather');
        if (stockGather && positions * vocab > 512 * 256) continue;
        const gradOnce = () =>
          tf.tidy(() => tf.grad((z: tf.Tensor) => loss(z as tf.Tensor2D, targets))(logits));
        let ms: number | null;
        try {
          // Seconds per call on cpu: one timed call is enough.
          ms = await timeMs(gradOnce, stockGather ? 1 : repeats, !stockGather);
        } catch (error) {
          log(`${backend} ${name}: ${(error as Error).message.split('\n')[0]}`);
          ms = null; // wasm has no UnsortedSegmentSum kernel, which the stock gather gradient needs
        }
        if (name.includes('ours')) ours = ms ?? 0;
        rows.push({
          backend,
          piece: 'loss forward+backward',
          variant: name,
          shape: `[${positions}, ${vocab}]`,
          ms,
          vsOurs: ms === null ? null : ms / ours,
        });
      }
      tf.dispose([logits, targets]);
    }

    // One update of a single [n] parameter: our AdamW against tf.train.adam (coupled L2, no decay here).
    const grad = tf.randomNormal([paramCount], 0, 1, 'float32', 3);
    const ourParam = { w: tf.variable(tf.zeros([paramCount])) };
    const adamw = new AdamW(ourParam, { weightDecay: 0 });
    const oursMs = await timeMs(() => {
      adamw.applyGradients({ w: grad }, 1e-3);
      return tf.clone(ourParam.w);
    }, repeats);
    const stockParam = tf.variable(tf.zeros([paramCount]));
    const adam = tf.train.adam(1e-3, 0.9, 0.95, 1e-8);
    const stockMs = await timeMs(() => {
      adam.applyGradients([{ name: stockParam.name, tensor: grad }]);
      return tf.clone(stockParam);
    }, repeats);
    for (const [variant, ms] of [
      ['AdamW (ours)', oursMs],
      ['tf.train.adam (stock)', stockMs],
    ] as const) {
      rows.push({
        backend,
        piece: 'optimizer update',
        variant,
        shape: `[${paramCount}]`,
        ms,
        vsOurs: ms / oursMs,
      });
    }
    adamw.dispose();
    adam.dispose();
    tf.dispose([grad, ourParam.w, stockParam]);
    log(`${backend} done`);
  }
  return {
    title: 'Training-step pieces: loss gradient and optimizer update against stock tfjs',
    rows,
    notes: [
      'ms: median wall time of one call including the device read of its result; vsOurs: ratio to our variant on the same backend in the same run.',
      'The stock gather gradient runs only at the small shape (it takes seconds per call on cpu), untimed warm-up skipped.',
      'A null time means the variant cannot run on that backend (the stock gather gradient needs UnsortedSegmentSum, which wasm lacks).',
      'tf.train.adam has no decoupled weight decay; both run with decay off so the work compared is the same.',
    ],
  };
}
