// Child process of checkpoint-lock.test.ts: trains the bigram model into argv[2] for argv[3] steps with a
// checkpoint every step, printing "started" once it holds the directory and pausing until a line arrives on
// stdin; exits 0 when the run completes.
import { createInterface } from 'node:readline';
import { initBackend } from '../../../../runtime/src/index.js';
import { train } from '../trainer.js';
import { countingBatch, createBigram, type TokenBatch } from './bigram.js';

await initBackend({ backend: 'cpu' });
const [dir, steps] = [process.argv[2] as string, Number(process.argv[3])];
const go = new Promise<void>((resolve) =>
  createInterface({ input: process.stdin }).once('line', () => resolve()),
);
const model = createBigram({ vocabSize: 13, dim: 8 }, 5);
await train<TokenBatch>({
  params: model.params,
  lossFn: model.loss,
  batches: (step, micro) => countingBatch(step, micro, { batch: 2, time: 6, vocabSize: 13 }),
  steps,
  seed: 5,
  checkpoint: { dir, every: 1, config: { run: 'first' } },
  callbacks: [
    {
      async onStart() {
        process.stdout.write('started\n');
        await go;
      },
    },
  ],
});
process.stdout.write('done\n');
process.exit(0);
