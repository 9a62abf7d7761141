import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrown } from '../test/thrown.js';
import { TINY, VARIANTS } from '../test/variants.js';
import { type ModelConfigInput, modelParameterCount, parseModelConfig } from './config.js';
import { ConfigError } from './errors.js';
import { createModel } from './model.js';

const sizeOf = (params: Record<string, tf.Tensor>) =>
  Object.values(params).reduce((sum, p) => sum + p.size, 0);

describe('model size budget', () => {
  it.each(VARIANTS)('%s: modelParameterCount is what createModel allocates', (_, config) => {
    const model = createModel(config);
    const { total, largest } = modelParameterCount(model.config);
    expect(total).toBe(sizeOf(model.params));
    expect(largest.elements).toBe(Math.max(...Object.values(model.params).map((p) => p.size)));
    model.dispose();
  });

  it('modelParameterCount is exact for random small configs', () => {
    fc.assert(
      fc.property(
        fc.record({
          vocabSize: fc.integer({ min: 1, max: 20 }),
          contextLength: fc.integer({ min: 1, max: 9 }),
          nHeads: fc.constantFrom(1, 2),
          headWidth: fc.constantFrom(2, 4),
          nLayers: fc.integer({ min: 1, max: 3 }),
          mlpRatio: fc.constantFrom(1, 2, 4),
          norm: fc.constantFrom('layernorm' as const, 'rmsnorm' as const),
          positional: fc.constantFrom('learned' as const, 'rope' as const),
          tieEmbeddings: fc.boolean(),
          heads: fc.record({
            count: fc.integer({ min: 1, max: 3 }),
            type: fc.constantFrom('linear' as const, 'transformer' as const),
          }),
        }),
        ({ headWidth, ...rest }) => {
          const config: ModelConfigInput = { ...rest, dModel: rest.nHeads * headWidth };
          const model = createModel(config);
          expect(modelParameterCount(model.config).total).toBe(sizeOf(model.params));
          model.dispose();
        },
      ),
      { numRuns: 25 },
    );
  });

  it('a config within every field limit but of 3.3e12 parameters is a ConfigError, nothing allocated', async () => {
    const before = tf.memory().numBytes;
    const huge = { vocabSize: 50257, contextLength: 1024, dModel: 16384, nLayers: 1024, nHeads: 16 };
    const error = await thrown(ConfigError, () => createModel(huge));
    expect(error.field).toBe('(size)');
    expect(error.message).toMatch(
      /^invalid model config: `\(size\)` must be at most 1000000000 parameters \(maxParameters; raise it to allow larger models\) \(got "3\d{12} parameters \(1\.3\de\+13 bytes of float32\)"\)$/,
    );
    expect(tf.memory().numBytes).toBe(before);
  });

  it('maxParameters lowers or raises the budget', async () => {
    const total = modelParameterCount(parseModelConfig(TINY)).total;
    expect((await thrown(ConfigError, () => createModel(TINY, { maxParameters: total - 1 }))).field).toBe(
      '(size)',
    );
    createModel(TINY, { maxParameters: total }).dispose();
    expect(
      (await thrown(ConfigError, () => parseModelConfig(TINY, { maxParameters: Number.NaN }))).field,
    ).toBe('maxParameters');
  });

  it('vocabSize 2^20 × dModel 16384 is a ConfigError naming vocabSize, whatever the budget', async () => {
    const config = { vocabSize: 2 ** 20, contextLength: 8, dModel: 16384, nLayers: 1, nHeads: 16 };
    const error = await thrown(ConfigError, () =>
      createModel(config, { maxParameters: Number.POSITIVE_INFINITY }),
    );
    expect(error.field).toBe('vocabSize');
    expect(error.message).toBe(
      'invalid model config: `vocabSize` must be small enough that no weight exceeds 2147483647 elements ' +
        '(with dModel 16384, one has 17179869184) (got 1048576)',
    );
  });
});

describe('contextLength 65536', () => {
  it('allocates the weights and nothing proportional to contextLength², and runs', async () => {
    const config = { vocabSize: 5, contextLength: 65_536, dModel: 4, nLayers: 1, nHeads: 1 };
    const before = tf.memory().numBytes;
    const model = createModel(config, { kernels: 'reference' }); // stock attention, which reads the mask
    expect(tf.memory().numBytes - before).toBe(4 * modelParameterCount(model.config).total);
    const { logits } = model.forward([[1, 2, 3]]);
    expect(logits[0]?.shape).toEqual([1, 3, 5]);
    tf.dispose(logits);
    model.dispose();
    expect(tf.memory().numBytes).toBe(before);
  });
});
