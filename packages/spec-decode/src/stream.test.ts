import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { agreeingHeadsModel, samplingModel } from '../test/models.js';
import { SpecDecodeError } from './errors.js';
import { speculativeGenerate } from './speculative-generate.js';
import { speculativeStream, type TokenEvent } from './stream.js';

async function collect(stream: AsyncIterable<TokenEvent>): Promise<TokenEvent[]> {
  const events: TokenEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const rowsOf = (events: TokenEvent[], rows: number) =>
  Array.from({ length: rows }, (_, b) => events.filter((e) => e.row === b).map((e) => e.token));

describe('speculativeStream', () => {
  it('yields exactly the tokens and stats of speculativeGenerate, in order within each row', async () => {
    const model = samplingModel({ vocabSize: 4, seed: 3, gain: 1 });
    const prompt = [[1, 2], [3], [0, 1, 2]];
    for (const options of [
      { maxNewTokens: 6, temperature: 0, drafter: { heads: 3 } },
      { maxNewTokens: 6, temperature: 0.9, topK: 3, seed: 11, stopTokens: [3], drafter: { heads: 2 } },
    ]) {
      const expected = speculativeGenerate(model, prompt, options);
      const stream = speculativeStream(model, prompt, options);
      const events = await collect(stream);
      expect(rowsOf(events, 3)).toEqual(expected.tokens);
      for (const [b, row] of expected.tokens.entries()) {
        expect(events.filter((e) => e.row === b).map((e) => e.index)).toEqual(row.map((_, i) => i));
      }
      const { wallTimeMs, ...stats } = stream.stats;
      const { wallTimeMs: _, ...expectedStats } = expected.stats;
      expect(stats).toEqual(expectedStats);
      expect(wallTimeMs).toBeGreaterThanOrEqual(0);
    }
    model.dispose();
  });

  it('a single prompt streams row 0, and the return value is the stats', async () => {
    const model = agreeingHeadsModel(2);
    const stream = speculativeStream(model, [1, 2], { maxNewTokens: 5, temperature: 0 });
    const tokens: number[] = [];
    let next = await stream.next();
    while (next.done !== true) {
      expect(next.value.row).toBe(0);
      tokens.push(next.value.token);
      next = await stream.next();
    }
    expect(tokens).toEqual(speculativeGenerate(model, [1, 2], { maxNewTokens: 5, temperature: 0 }).tokens);
    expect(next.value.forwards.target).toBe(3); // 1 + 2 + 2 tokens
    model.dispose();
  });

  it('break, return() and a throwing consumer free the KV caches (numTensors back where it was)', async () => {
    const model = agreeingHeadsModel(3);
    const draft = agreeingHeadsModel(1);
    const before = tf.memory().numTensors;
    for (const drafter of [{ heads: 3 }, { model: draft, tokens: 2 }]) {
      const options = { maxNewTokens: 20, temperature: 0, drafter };
      let seen = 0;
      for await (const _ of speculativeStream(model, [1], options)) {
        expect(tf.memory().numTensors).toBeGreaterThan(before); // the caches are alive mid-stream
        if (++seen === 5) break;
      }
      expect(tf.memory().numTensors).toBe(before);

      const stream = speculativeStream(model, [[1], [2, 3]], options);
      await stream.next();
      await stream.return(stream.stats);
      expect(tf.memory().numTensors).toBe(before);
      expect((await stream.next()).done).toBe(true);

      await expect(async () => {
        for await (const _ of speculativeStream(model, [1], options)) throw new Error('consumer failed');
      }).rejects.toThrow('consumer failed');
      expect(tf.memory().numTensors).toBe(before);

      // Closed before it started: nothing was allocated, nothing is decoded.
      const unstarted = speculativeStream(model, [1], options);
      await unstarted.return(unstarted.stats);
      expect(unstarted.stats.forwards.target).toBe(0);
      expect(tf.memory().numTensors).toBe(before);
    }
    model.dispose();
    draft.dispose();
  });

  it('checks the prompt and options when called, before any next()', () => {
    const model = agreeingHeadsModel(2);
    expect(() => speculativeStream(model, [1], { maxNewTokens: 2, drafter: { heads: 3 } })).toThrow(
      SpecDecodeError,
    );
    model.dispose();
  });
});
