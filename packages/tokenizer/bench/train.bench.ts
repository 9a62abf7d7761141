import type { BenchContext, BenchReport } from '../../../bench/harness.js';
import { trainBpe } from '../src/index.js';
import { benchCorpus } from './corpus.js';

// BPE training time on ~10 MB of real text (prose and code), split into the counting pass and the merges.
export default async function trainBench({ quick, log }: BenchContext): Promise<BenchReport> {
  const { text, files } = benchCorpus(quick ? 1_000_000 : 10_000_000, 'markdown+code');
  const megabytes = Buffer.byteLength(text) / 1e6;
  const rows: BenchReport['rows'] = [];
  for (const vocabSize of quick ? [2048] : [8192, 32768]) {
    const start = performance.now();
    let counted = start;
    const tokenizer = trainBpe(text, {
      vocabSize,
      onProgress: (p) => {
        if (p.phase === 'count') counted = performance.now();
        else if (p.merges % 1000 === 0) log(`vocab ${vocabSize}: ${p.merges}/${p.totalMerges} merges`);
      },
    });
    const seconds = (performance.now() - start) / 1000;
    const tokens = tokenizer.encode(text).length;
    rows.push({
      'corpus MB': megabytes,
      vocabSize: tokenizer.vocabSize,
      'count s': (counted - start) / 1000,
      'merge s': seconds - (counted - start) / 1000,
      'total s': seconds,
      'bytes/token': Buffer.byteLength(text) / tokens,
    });
    log(`vocab ${vocabSize}: ${seconds.toFixed(2)} s`);
  }
  return {
    title: 'Byte-level BPE training time',
    rows,
    notes: [
      `Corpus: ${megabytes.toFixed(2)} MB from ${files} installed package docs (.md) and declaration files (.d.ts).`,
      'count: pre-tokenizing and counting words; merge: learning merges with incremental pair counts. ' +
        'bytes/token: compression of the training corpus by the result.',
    ],
  };
}
