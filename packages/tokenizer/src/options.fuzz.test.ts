import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostileValue } from '../../../test/hostile-values.js';
import { TokenizerError } from './errors.js';
import { trainBpe } from './train/bpe.js';
import { createCharTokenizer } from './train/char.js';

// Every public entry point that takes options, called with arbitrary values (BigInt, objects without a
// prototype, sparse arrays, getters named toString/valueOf, …): it returns or throws a TokenizerError, never a
// raw TypeError/RangeError, and never hangs (sizes are bounded by the arbitraries, so a hang shows as a timeout).
const anything = hostileValue;
// Options objects whose fields are sometimes right and sometimes anything.
const field = <T>(valid: fc.Arbitrary<T>) => fc.oneof(valid, anything, fc.constant(undefined));
const optionsLike = (record: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof(
    fc.record(record, { requiredKeys: [] }),
    fc.record(record, { requiredKeys: [] }).map((o) => Object.assign(Object.create(null), o)),
    anything,
  );

/** Runs `call`; returns normally or with a TokenizerError, else fails the property with what was thrown. */
function onlyTokenizerErrors(call: () => unknown): void {
  try {
    call();
  } catch (error) {
    if (!TokenizerError.isInstance(error)) throw error;
    // The message is short whatever the input.
    expect(error.message.length).toBeLessThan(400);
  }
}

const tokenizer = trainBpe('the cat sat on the mat <eos> ', { vocabSize: 280 });
const textList = fc.oneof(
  fc.array(fc.oneof(fc.string(), anything), { maxLength: 4 }),
  fc.sparseArray(fc.string()),
);
const runs = { numRuns: 400 };

describe('option fuzzing: no raw TypeError or RangeError', () => {
  it('encode', () => {
    fc.assert(
      fc.property(
        field(fc.string()),
        optionsLike({ specialTokens: field(fc.constantFrom('allow', 'as-text', 'reject')) }),
        (text, options) => onlyTokenizerErrors(() => tokenizer.encode(text as string, options as object)),
      ),
      runs,
    );
  });

  it('encodeBatch (sparse arrays included)', () => {
    fc.assert(
      fc.property(
        fc.oneof(textList, anything),
        optionsLike({
          padding: field(fc.constantFrom('none', 'longest', 'max-length')),
          maxLength: field(fc.integer({ min: -2, max: 64 })),
          truncation: field(fc.boolean()),
          padToken: field(fc.constantFrom('<pad>', '<eos>', 'nope')),
          paddingSide: field(fc.constantFrom('right', 'left')),
          specialTokens: field(fc.constantFrom('allow', 'as-text', 'reject')),
        }),
        (texts, options) =>
          onlyTokenizerErrors(() => tokenizer.encodeBatch(texts as string[], options as object)),
      ),
      runs,
    );
  });

  it('decode and encodesToExactly', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.array(fc.oneof(fc.integer({ min: -1, max: 300 }), anything), { maxLength: 4 }), anything),
        optionsLike({ skipSpecialTokens: field(fc.boolean()), leadingSpace: field(fc.boolean()) }),
        field(fc.integer({ min: 0, max: 3 })),
        (ids, options, k) => {
          onlyTokenizerErrors(() => tokenizer.decode(ids as number[], options as object));
          onlyTokenizerErrors(() => tokenizer.encodesToExactly('cat', k as number, options as object));
        },
      ),
      runs,
    );
  });

  it('withSpecialTokens', () => {
    fc.assert(
      fc.property(fc.oneof(textList, anything), (tokens) =>
        onlyTokenizerErrors(() => tokenizer.withSpecialTokens(tokens as string[])),
      ),
      runs,
    );
  });

  it('createCharTokenizer', () => {
    fc.assert(
      fc.property(
        optionsLike({
          text: field(fc.oneof(fc.string({ maxLength: 20 }), textList)),
          specialTokens: field(textList),
          unknown: field(fc.constantFrom('unk', 'error')),
        }),
        (options) => onlyTokenizerErrors(() => createCharTokenizer(options as never)),
      ),
      runs,
    );
  });

  it('trainBpe', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 40 }), textList, anything),
        optionsLike({
          vocabSize: field(fc.integer({ min: 200, max: 400 })),
          minFrequency: field(fc.integer({ min: 0, max: 3 })),
          specialTokens: field(textList),
          onProgress: field(fc.constant(() => {})),
        }),
        (corpus, options) => onlyTokenizerErrors(() => trainBpe(corpus as string, options as never)),
      ),
      { numRuns: 200 },
    );
  });
});
