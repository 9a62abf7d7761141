import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BeyondNtpError } from './beyond-ntp-error.js';
import { JsonFileError, parseBoundedJson } from './bounded-json.js';

const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

describe('parseBoundedJson', () => {
  it('parses what JSON.parse parses within the limits', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        const text = JSON.stringify(value);
        expect(parseBoundedJson(text, { file: 'f.json' })).toEqual(JSON.parse(text));
      }),
    );
  });

  it('refuses 100,000-deep nesting by name, before parsing', () => {
    const error = thrown(() =>
      parseBoundedJson(`${'['.repeat(100_000)}${']'.repeat(100_000)}`, { file: 'run/config.json' }),
    );
    expect(JsonFileError.isInstance(error) && error.code).toBe('JSON_TOO_DEEP');
    expect(BeyondNtpError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe('run/config.json: arrays or objects nested deeper than 64 levels');
  });

  it('counts depth exactly and ignores brackets inside strings', () => {
    const nested = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    expect(parseBoundedJson(nested(3), { file: 'f', maxDepth: 3 })).toEqual([[[]]]);
    expect(
      JsonFileError.isInstance(thrown(() => parseBoundedJson(nested(4), { file: 'f', maxDepth: 3 }))),
    ).toBe(true);
    expect(parseBoundedJson('["[[[\\"[[["]', { file: 'f', maxDepth: 1 })).toEqual(['[[["[[[']);
  });

  it('refuses a text over maxLength and keeps the message of bad JSON short', () => {
    expect((thrown(() => parseBoundedJson('[1, 2]', { file: 'f', maxLength: 5 })) as Error).message).toBe(
      'f: 6 characters exceed the limit of 5',
    );
    const bad = thrown(() => parseBoundedJson(`{"a": "${'x'.repeat(1_000_000)}`, { file: 'big.json' }));
    expect(JsonFileError.isInstance(bad) && bad.code).toBe('JSON_INVALID');
    expect((bad as Error).message.startsWith('big.json: not valid JSON (')).toBe(true);
    expect((bad as Error).message.length).toBeLessThan(260);
  });
});
