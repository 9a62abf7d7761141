import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modelConfigSchema, parseModelConfig } from './config.js';
import { ConfigError } from './errors.js';

const minimal = { vocabSize: 64, contextLength: 32, dModel: 16, nLayers: 2, nHeads: 4 };

function errorOf(input: unknown): ConfigError {
  try {
    parseModelConfig(input);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseModelConfig', () => {
  it('fills every default and returns plain JSON', () => {
    const config = parseModelConfig(minimal);
    expect(config).toEqual({
      ...minimal,
      mlpRatio: 4,
      norm: 'layernorm',
      positional: 'learned',
      ropeBase: 10_000,
      dropout: 0,
      tieEmbeddings: true,
      heads: { count: 1, type: 'transformer' },
    });
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    expect(parseModelConfig(config)).toEqual(config);
    expect(modelConfigSchema.parse(minimal)).toEqual(config);
  });

  it('fills a partial heads object', () => {
    expect(parseModelConfig({ ...minimal, heads: { count: 3 } }).heads).toEqual({
      count: 3,
      type: 'transformer',
    });
    expect(parseModelConfig({ ...minimal, heads: { type: 'linear' } }).heads).toEqual({
      count: 1,
      type: 'linear',
    });
  });

  it.each([
    [{ ...minimal, nHeads: 0 }, 'nHeads', 'an integer in [1, 1024]', '(got 0)'],
    [{ ...minimal, vocabSize: 2.5 }, 'vocabSize', 'an integer in [1, 1048576]', '(got 2.5)'],
    [{ ...minimal, dModel: '16' }, 'dModel', 'an integer in [1, 16384]', '(got "16")'],
    [
      { ...minimal, contextLength: undefined },
      'contextLength',
      'an integer in [1, 65536]',
      '(got undefined)',
    ],
    [{ ...minimal, norm: 'batchnorm' }, 'norm', "one of 'layernorm', 'rmsnorm'", '(got "batchnorm")'],
    [{ ...minimal, positional: 'alibi' }, 'positional', "one of 'learned', 'rope'", '(got "alibi")'],
    [{ ...minimal, dropout: 1 }, 'dropout', 'a number in [0, 1)', '(got 1)'],
    [{ ...minimal, mlpRatio: -1 }, 'mlpRatio', 'a number in (0, 64]', '(got -1)'],
    [{ ...minimal, tieEmbeddings: 'yes' }, 'tieEmbeddings', 'true or false', '(got "yes")'],
    [{ ...minimal, heads: { count: 0 } }, 'heads.count', 'an integer in [1, 64]', '(got 0)'],
    [{ ...minimal, heads: { type: 'mlp' } }, 'heads.type', "one of 'linear', 'transformer'", '(got "mlp")'],
    [{ ...minimal, nHead: 4 }, 'nHead', 'absent (not a config field)', '(got 4)'],
    [
      { ...minimal, heads: { count: 2, kind: 'x' } },
      'heads.kind',
      'absent (not a config field)',
      '(got "x")',
    ],
    [{ ...minimal, nHeads: 3 }, 'nHeads', 'a divisor of dModel (16)', '(got 3)'],
    [{ ...minimal, nHeads: 16, positional: 'rope' }, 'nHeads', 'dModel / nHeads is even', '(got 16)'],
    [{ ...minimal, mlpRatio: 0.3 }, 'mlpRatio', 'mlpRatio * dModel (16) is an integer', '(got 0.3)'],
  ])('rejects %j naming `%s`', (input, field, allowed, got) => {
    const error = errorOf(input);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.field).toBe(field);
    expect(error.allowed).toContain(allowed);
    expect(error.message).toContain(`\`${field}\``);
    expect(error.message).toContain(got);
  });

  it('rejects non-objects', () => {
    expect(errorOf(null).field).toBe('(config)');
    expect(errorOf([1]).allowed).toBe('an object');
  });

  it('accepts exactly the integer head counts in range (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 80 }), (count) => {
        const ok = count >= 1 && count <= 64;
        if (ok) expect(parseModelConfig({ ...minimal, heads: { count } }).heads.count).toBe(count);
        else expect(errorOf({ ...minimal, heads: { count } }).field).toBe('heads.count');
      }),
    );
  });

  it('accepts nHeads exactly when it divides dModel (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 16 }), (dModel, nHeads) => {
        if (dModel % nHeads === 0)
          expect(parseModelConfig({ ...minimal, dModel, nHeads }).nHeads).toBe(nHeads);
        else expect(errorOf({ ...minimal, dModel, nHeads }).field).toBe('nHeads');
      }),
    );
  });
});
