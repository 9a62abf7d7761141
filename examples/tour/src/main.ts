// The beyond-ntp tour: one small end-to-end run that touches every package and says where its outputs are.
// A tiny transformer learns zero-padded 2-digit addition (`35+07=042`) on the default backend; every number
// printed is measured in this run. `--smoke` runs the same steps at the smallest sizes (used by CI).
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeBackend, initBackend } from '@beyond-ntp/runtime';
import {
  type ArithmeticRecord,
  arithmeticStats,
  evaluateArithmetic,
  generateArithmetic,
} from '@beyond-ntp/synth-tasks';
import { createCharTokenizer, loadTokenizer, saveTokenizer } from '@beyond-ntp/tokenizer';
import {
  createModel,
  crossEntropy,
  generate,
  jsonlMetricsLog,
  loadModel,
  progressReporter,
  train,
  warmupCosineSchedule,
} from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';

const smoke = process.argv.includes('--smoke');
const out = fileURLToPath(new URL('../out/', import.meta.url));
const sizes = smoke
  ? { trainCount: 256, testCount: 16, steps: 15, batch: 16 }
  : { trainCount: 8000, testCount: 200, steps: 1500, batch: 64 };

const section = (title: string) => console.log(`\n== ${title}`);
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

section('runtime — backend selection');
const backend = await initBackend();
for (const attempt of backend.attempts.filter((a) => a.outcome !== 'selected')) {
  console.log(`  skipped ${attempt.packageName}: ${attempt.reason}`);
}
console.log(`  ${describeBackend(backend)}`);

section('synth-tasks — zero-padded addition');
const task = { op: '+' as const, digitsA: 2, digitsB: 2, seed: 'tour' };
const trainSet = generateArithmetic({ ...task, count: sizes.trainCount, split: 'train' });
const testSet = generateArithmetic({ ...task, count: sizes.testCount, split: 'test' });
console.log(
  `  ${trainSet.length} train / ${testSet.length} test problems, e.g. ${trainSet[0]?.prompt}${trainSet[0]?.answer}`,
);
console.log(`  stats: ${JSON.stringify(arithmeticStats(trainSet))}`);

section('tokenizer — character level');
const tokenizer = createCharTokenizer({
  text: '0123456789+=',
  specialTokens: ['<pad>', '<bos>', '<eos>'],
  unknown: 'error',
});
const [bos, eos] = ['<bos>', '<eos>'].map((t) => tokenizer.tokenToId(t) as number) as [number, number];
const encode = (r: ArithmeticRecord) => [bos, ...tokenizer.encode(r.prompt + r.answer), eos];
console.log(
  `  vocabulary of ${tokenizer.vocabSize}; "${trainSet[0]?.prompt}${trainSet[0]?.answer}" → ${encode(trainSet[0] as ArithmeticRecord).join(' ')}`,
);
console.log(
  `  special tokens: <pad> = ${tokenizer.tokenToId('<pad>')}, <bos> = ${bos}, <eos> = ${eos}; ` +
    'each problem is <bos> prompt answer <eos>',
);
await saveTokenizer(tokenizer, join(out, 'tokenizer.json'));

section('transformer-core — train, evaluate, checkpoint');
const length = encode(trainSet[0] as ArithmeticRecord).length; // every example has the same length
const promptLength = 1 + (trainSet[0]?.prompt.length ?? 0);
const config = { vocabSize: tokenizer.vocabSize, contextLength: 16, dModel: 64, nLayers: 2, nHeads: 4 };
const model = createModel(config, { seed: 1 });
console.log(
  `  model: ${Object.values(model.params).reduce((n, p) => n + p.size, 0)} parameters, ${JSON.stringify(config)}`,
);

// Inputs are tokens 0..L-2 and targets 1..L-1; the loss counts only the answer digits and <eos>.
const lossMask = tf.tensor2d([Array.from({ length: length - 1 }, (_, t) => (t + 1 >= promptLength ? 1 : 0))]);
const makeBatch = (step: number) => {
  const rows = Array.from({ length: sizes.batch }, (_, i) =>
    encode(trainSet[(step * sizes.batch + i) % trainSet.length] as ArithmeticRecord),
  );
  return { ids: rows.map((r) => r.slice(0, -1)), targets: rows.map((r) => r.slice(1)) };
};
const started = performance.now();
const result = await train<ReturnType<typeof makeBatch>>({
  params: model.params,
  batches: (step) => makeBatch(step),
  lossFn: (batch, context) =>
    tf.tidy(() => {
      const { logits } = model.forward(batch.ids, { training: context.training, seed: context.seed });
      const targets = tf.tensor2d(batch.targets, undefined, 'int32');
      return crossEntropy(logits[0] as tf.Tensor3D, targets, {
        mask: tf.tile(lossMask, [batch.ids.length, 1]),
      });
    }),
  steps: sizes.steps,
  learningRate: warmupCosineSchedule({
    maxLr: 3e-3,
    warmupSteps: Math.ceil(sizes.steps / 20),
    decaySteps: sizes.steps,
  }),
  tokensPerStep: sizes.batch * (length - 1),
  checkpoint: { dir: join(out, 'checkpoints'), every: Math.max(1, Math.floor(sizes.steps / 3)), config },
  callbacks: [
    progressReporter({ logEvery: Math.max(1, Math.floor(sizes.steps / 10)) }),
    jsonlMetricsLog({ path: join(out, 'metrics.jsonl') }),
  ],
});
const seconds = (performance.now() - started) / 1000;
console.log(
  `  ${result.step} steps in ${seconds.toFixed(1)} s, final training loss ${result.loss.toFixed(4)}`,
);

const answerLength = testSet[0]?.answer.length ?? 0;
// Every held-out prompt in one batched, KV-cached greedy decode.
const answers = generate(
  model,
  testSet.map((r) => [bos, ...tokenizer.encode(r.prompt)]),
  { maxNewTokens: answerLength, temperature: 0 },
);
const predictions = answers.map((ids) => tokenizer.decode(ids, { skipSpecialTokens: true }));
const score = evaluateArithmetic({ records: testSet, predictions });
console.log(
  `  held-out exact match: ${(score.accuracy * 100).toFixed(1)}% of ${testSet.length} (per digit: ${score.digitAccuracy.map((a) => `${(a * 100).toFixed(0)}%`).join(' ')})`,
);
console.log(`  e.g. ${testSet[0]?.prompt}${predictions[0]} (expected ${testSet[0]?.answer})`);
tf.dispose(lossMask);
model.dispose();

section('reload — the saved checkpoint and tokenizer, as a later program would');
// Nothing from above but the files: the tokenizer.json and the latest checkpoint written by train().
const reloadedTokenizer = await loadTokenizer(join(out, 'tokenizer.json'));
const reloaded = await loadModel(join(out, 'checkpoints'));
const prompts = testSet.map((r) => [bos, ...reloadedTokenizer.encode(r.prompt)]);
// The same greedy decode as above, from the files: it must give the same ids for every held-out prompt.
const again = generate(reloaded, prompts, { maxNewTokens: answerLength, temperature: 0 });
const same = again.every((ids, i) => ids.join() === answers[i]?.join());
console.log(`  same answers as the model before saving, on all ${testSet.length} prompts: ${same}`);
if (!same) process.exitCode = 1;
// Generation stops at <eos> when asked to: a few continuations with their ids.
const eosId = reloadedTokenizer.tokenToId('<eos>') as number;
const shown = generate(reloaded, prompts.slice(0, 3), {
  maxNewTokens: answerLength + 1,
  temperature: 0,
  stopTokens: [eosId],
});
for (const [i, ids] of shown.entries()) {
  console.log(`  ${testSet[i]?.prompt} → ${reloadedTokenizer.decode(ids)}   (ids ${ids.join(' ')})`);
}
reloaded.dispose();

section('outputs');
console.log(`  ${join(out, 'tokenizer.json')}   Hugging Face tokenizer.json`);
console.log(`  ${join(out, 'metrics.jsonl')}    one JSON line per training step`);
console.log(`  ${join(out, 'checkpoints')}      config.json + model.safetensors + optimizer state`);
console.log('\nTour finished.');
