import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenizerError } from '../errors.js';
import { BYTE_TO_CHAR, GPT2_SPLIT_PATTERN } from '../pre-tokenize/byte-level.js';
import { fromHfJson, toHfJson } from '../serialize/hf-json.js';
import { trainBpe } from './bpe.js';
import type { TrainProgress } from './progress.js';

const mergesOf = (tokenizer: ReturnType<typeof trainBpe>) => toHfJson(tokenizer).model.merges;

describe('trainBpe', () => {
  it('learns the textbook example "aaabdaaabac"', () => {
    const events: TrainProgress[] = [];
    const tokenizer = trainBpe('aaabdaaabac', {
      vocabSize: 300,
      specialTokens: ['<pad>'],
      onProgress: (p) => events.push(p),
    });
    // (a,a)=4 first; then (aa,a) and (a,b) tie at 2 and the smaller ids win: (a,b); then (aa,ab)=2. Every other
    // pair occurs once, below the default minFrequency of 2, so training stops early.
    expect(mergesOf(tokenizer)).toEqual(['a a', 'a b', 'aa ab']);
    expect(tokenizer.vocabSize).toBe(1 + 256 + 3);
    expect(tokenizer.tokenToId('<pad>')).toBe(0);
    // Byte tokens are numbered by code point from "!" (0x21) on, after the special token.
    expect(tokenizer.tokenToId('a')).toBe(1 + 0x61 - 0x21);
    expect(tokenizer.encode('aaabdaaabac').map((id) => tokenizer.idToToken(id))).toEqual([
      'aaab',
      'd',
      'aaab',
      'a',
      'c',
    ]);
    expect(events.at(0)).toEqual({ phase: 'count', characters: 11 });
    expect(events.at(-1)).toEqual({ phase: 'merge', merges: 3, totalMerges: 300 - 257 });
  });

  it('stops at vocabSize and honours minFrequency', () => {
    const corpus = 'the cat sat on the mat with the hat '.repeat(20);
    expect(trainBpe(corpus, { vocabSize: 256 + 4 + 5 }).vocabSize).toBe(265);
    const rare = trainBpe(corpus, { vocabSize: 1000, minFrequency: 21 });
    expect(mergesOf(rare).length).toBeGreaterThan(0);
    expect(rare.vocabSize).toBeLessThan(1000);
    // Only "the" (60×) and its parts reach 21; "cat" occurs 20 times.
    expect(rare.encode(' cat').length).toBeGreaterThan(1);
  });

  it('never learns from or splits special tokens', () => {
    const tokenizer = trainBpe('ab<eos>ab<eos>', {
      vocabSize: 400,
      minFrequency: 1,
      specialTokens: ['<eos>'],
    });
    expect(mergesOf(tokenizer)).toEqual(['a b']);
    expect(tokenizer.encode('ab<eos>')).toEqual([tokenizer.tokenToId('ab'), 0]);
  });

  it('accepts an iterable corpus and reports progress', () => {
    const lines = ['low lower lowest', 'newer wider low'];
    const events: TrainProgress[] = [];
    const fromLines = trainBpe(lines, { vocabSize: 280, onProgress: (p) => events.push(p) });
    expect(mergesOf(fromLines)).toEqual(mergesOf(trainBpe(lines.join(''), { vocabSize: 280 })));
    expect(events[0]).toEqual({ phase: 'count', characters: 31 });
  });

  it('reports counting progress about every million characters', () => {
    const events: TrainProgress[] = [];
    const parts = Array.from({ length: 5 }, () => 'ab cd '.repeat(100_000));
    trainBpe(parts, { vocabSize: 262, onProgress: (p) => events.push(p) });
    expect(events.filter((p) => p.phase === 'count')).toEqual([
      { phase: 'count', characters: 1_200_000 },
      { phase: 'count', characters: 2_400_000 },
      { phase: 'count', characters: 3_000_000 },
    ]);
    expect(events.at(-1)).toEqual({ phase: 'merge', merges: 2, totalMerges: 2 });
  });

  it('rejects bad options naming the field', () => {
    const bad = (options: object, field: string) => {
      try {
        trainBpe('text', options as Parameters<typeof trainBpe>[1]);
      } catch (error) {
        expect(TokenizerError.isInstance(error) && error.code === 'INVALID_OPTION' && error.field).toBe(
          field,
        );
        expect((error as Error).message).toContain(field);
        return;
      }
      throw new Error(`no error for ${field}`);
    };
    bad({ vocabSize: 100 }, 'vocabSize');
    bad({ vocabSize: 2.5 }, 'vocabSize');
    bad({ vocabSize: 300, minFrequency: 0 }, 'minFrequency');
    bad({ vocabSize: 300, specialTokens: ['<a>', '<a>'] }, 'specialTokens[1]');
    bad({ vocabSize: 300, specialTokens: [''] }, 'specialTokens[0]');
    expect(() => trainBpe([42] as unknown as string[], { vocabSize: 300 })).toThrow(/corpus\[0\]/);
  });
});

// The definition, computed the slow way: recount every pair before each merge.
function referenceMerges(
  corpus: string,
  vocabSize: number,
  minFrequency: number,
  specials: string[],
): string[] {
  // HF's alphabet order: byte characters by code point, after the specials.
  const alphabet = [...BYTE_TO_CHAR].sort((x, y) => x.charCodeAt(0) - y.charCodeAt(0));
  const tokens = [...specials, ...alphabet.filter((char) => !specials.includes(char))];
  const words = new Map<string, number>();
  for (const m of corpus.matchAll(new RegExp(GPT2_SPLIT_PATTERN, 'gu')))
    words.set(m[0], (words.get(m[0]) ?? 0) + 1);
  let symbols = [...words].map(([word, count]) => ({
    count,
    ids: [...new TextEncoder().encode(word)].map((b) => tokens.indexOf(BYTE_TO_CHAR[b] as string)),
  }));
  const merges: string[] = [];
  while (tokens.length < vocabSize) {
    const counts = new Map<string, number>();
    for (const { ids, count } of symbols) {
      for (let i = 0; i + 1 < ids.length; i++) {
        const key = `${ids[i]},${ids[i + 1]}`;
        counts.set(key, (counts.get(key) ?? 0) + count);
      }
    }
    let best: [number, number] | undefined;
    let bestCount = 0;
    for (const [key, count] of counts) {
      const [a, b] = key.split(',').map(Number) as [number, number];
      if (
        count > bestCount ||
        (count === bestCount && best && (a < best[0] || (a === best[0] && b < best[1])))
      ) {
        best = [a, b];
        bestCount = count;
      }
    }
    if (best === undefined || bestCount < minFrequency) break;
    const [a, b] = best;
    const merged = (tokens[a] as string) + tokens[b];
    // A merge spelled like an existing (special) token produces that token.
    if (!tokens.includes(merged)) tokens.push(merged);
    merges.push(`${tokens[a]} ${tokens[b]}`);
    const c = tokens.indexOf(merged);
    symbols = symbols.map(({ ids, count }) => {
      const next: number[] = [];
      for (let i = 0; i < ids.length; ) {
        if (ids[i] === a && ids[i + 1] === b) {
          next.push(c);
          i += 2;
        } else next.push(ids[i++] as number);
      }
      return { ids: next, count };
    });
  }
  return merges;
}

const corpusArb = fc.string({
  unit: fc.constantFrom('a', 'b', 'c', ' ', '\n', 'é', '1', '2', '!'),
  maxLength: 300,
});

describe('trainBpe properties', () => {
  it('incremental pair counts give the same merges as recounting (property)', () => {
    fc.assert(
      fc.property(corpusArb, fc.integer({ min: 1, max: 3 }), (corpus, minFrequency) => {
        const trained = trainBpe(corpus, { vocabSize: 256 + 1 + 30, minFrequency, specialTokens: ['<unk>'] });
        expect(mergesOf(trained)).toEqual(referenceMerges(corpus, 256 + 1 + 30, minFrequency, ['<unk>']));
      }),
      { numRuns: 150 },
    );
  });

  it('a trained tokenizer survives tokenizer.json and encodes identically in tokenizers.js (property)', () => {
    const base = trainBpe(
      'the cat sat on the mat. The dog ate the hat! 123 456 <eos> ünïcödé 日本語 😀'.repeat(5),
      {
        vocabSize: 320,
        minFrequency: 1,
      },
    );
    // Special tokens added after training get ids past the model's vocabulary; HF must read those too.
    const trained = base.withSpecialTokens(['<bot>', '<latent>']);
    const json = toHfJson(trained);
    const reloaded = fromHfJson(JSON.stringify(json));
    const hf = new HfTokenizer(JSON.parse(JSON.stringify(json)), {});
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 50 }),
      fc
        .array(
          fc.constantFrom(
            'the',
            ' cat',
            '<eos>',
            '<pad>',
            '<bot>',
            '<latent>',
            ' ',
            '\n',
            '日本',
            '😀',
            '12',
            '!',
          ),
          {
            maxLength: 20,
          },
        )
        .map((a) => a.join('')),
    );
    fc.assert(
      fc.property(text, (s) => {
        const ids = trained.encode(s);
        expect(reloaded.encode(s)).toEqual(ids);
        expect(hf.encode(s, { add_special_tokens: false }).ids).toEqual(ids);
        // tokenizers.js refuses to decode an empty list.
        if (ids.length > 0)
          expect(hf.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false })).toBe(s);
      }),
      { numRuns: 300 },
    );
  });
});
