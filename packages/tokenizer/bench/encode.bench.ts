import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { Tiktoken } from 'js-tiktoken/lite';
import gpt2Ranks from 'js-tiktoken/ranks/gpt2';
import type { BenchContext, BenchReport } from '../../../bench/harness.js';
import { median } from '../../../bench/harness.js';
import { gpt2Files } from '../scripts/gpt2-reference.js';
import { fromHfJson } from '../src/index.js';
import { benchCorpus } from './corpus.js';

// Encode throughput with GPT-2's vocabulary, side by side on the same text in one process: this package,
// js-tiktoken (the target) and HF tokenizers.js. "cold" is a freshly loaded tokenizer's first pass (empty
// pre-token cache), "warm" the median of later passes.
export default async function encodeBench({ quick, log }: BenchContext): Promise<BenchReport> {
  const { text, files } = benchCorpus(quick ? 300_000 : 4_000_000, 'markdown');
  const megabytes = Buffer.byteLength(text) / 1e6;
  const repeats = quick ? 2 : 5;
  const gpt2 = gpt2Files();
  const tiktoken = new Tiktoken(gpt2Ranks);
  const hf = new HfTokenizer(JSON.parse(gpt2.tokenizerJson), {});
  const reference = tiktoken.encode(text, 'all');

  const time = (run: () => number[]) => {
    const start = performance.now();
    const ids = run();
    return { seconds: (performance.now() - start) / 1000, ids };
  };
  const measure = (name: string, encode: () => number[]) => {
    const first = time(encode);
    const warm = median(Array.from({ length: repeats }, () => time(encode).seconds));
    const same = first.ids.length === reference.length && first.ids.every((id, i) => id === reference[i]);
    log(
      `${name}: cold ${(megabytes / first.seconds).toFixed(2)} MB/s, warm ${(megabytes / warm).toFixed(2)} MB/s`,
    );
    return { name, cold: megabytes / first.seconds, warm: megabytes / warm, same };
  };

  // Loaded just before its first pass, so "cold" really starts from an empty pre-token cache.
  const ours = fromHfJson(gpt2.tokenizerJson);
  const results = [
    measure('js-tiktoken', () => tiktoken.encode(text, 'all')),
    measure('@beyond-ntp/tokenizer', () => ours.encode(text)),
    measure('@huggingface/tokenizers', () => hf.encode(text, { add_special_tokens: false }).ids),
  ];
  const baseline = results[0] as (typeof results)[number];
  return {
    title: 'GPT-2 encode throughput',
    rows: results.map((r) => ({
      tokenizer: r.name,
      'MB/s (cold)': r.cold,
      'MB/s (warm)': r.warm,
      'vs js-tiktoken (cold)': r.cold / baseline.cold,
      'vs js-tiktoken (warm)': r.warm / baseline.warm,
      'ids equal js-tiktoken': r.same,
    })),
    notes: [
      `Text: ${megabytes.toFixed(2)} MB of Markdown from ${files} installed package docs, ${reference.length} GPT-2 tokens.`,
      'cold: first pass of a freshly loaded tokenizer (load time excluded); warm: median of ' +
        `${repeats} further passes. MB = 10^6 UTF-8 bytes.`,
      '@huggingface/tokenizers loads the same GPT-2 tokenizer.json; it is shown for context, the target is js-tiktoken.',
    ],
  };
}
