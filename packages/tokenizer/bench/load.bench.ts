import type { BenchContext, BenchReport } from '../../../bench/harness.js';
import { fromHfJson, toHfJson, trainBpe } from '../src/index.js';

// Loading time of tokenizer.json files with huge vocabularies: it should grow linearly with the entries.
export default async function loadBench({ quick, log }: BenchContext): Promise<BenchReport> {
  const base = toHfJson(trainBpe('', { vocabSize: 260 }));
  const rows: BenchReport['rows'] = [];
  for (const entries of quick ? [250_000, 500_000] : [1_000_000, 2_000_000, 4_000_000]) {
    const vocab: Record<string, number> = { ...base.model.vocab };
    let id = Object.keys(vocab).length;
    for (let i = 0; id < entries; i++) vocab[`Ġtoken${i}`] = id++;
    const text = JSON.stringify({ ...base, model: { ...base.model, vocab } });
    const start = performance.now();
    const tokenizer = fromHfJson(text);
    const seconds = (performance.now() - start) / 1000;
    rows.push({
      entries,
      'MB of JSON': text.length / 1e6,
      'load s': seconds,
      'µs/entry': (seconds * 1e6) / entries,
    });
    log(`${entries} entries: ${seconds.toFixed(2)} s (vocabSize ${tokenizer.vocabSize})`);
  }
  return {
    title: 'tokenizer.json loading time by vocabulary size',
    rows,
    notes: [
      'load: fromHfJson on the JSON text (parse, validate, build the model). Linear loading keeps µs/entry flat.',
    ],
  };
}
