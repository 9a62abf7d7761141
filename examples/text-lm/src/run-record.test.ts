import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KitError } from '@beyond-ntp-examples/kit';
import { describe, expect, it } from 'vitest';
import { type RunRecord, readRunRecord, recordDifferences, writeRunRecord } from './run-record.js';

const record: RunRecord = {
  version: 1,
  text: { path: '/a/book.txt', characters: 1000, sha256: 'ab12' },
  tokenizer: { kind: 'char' },
  model: { contextLength: 64, dModel: 64, nLayers: 2, nHeads: 4, dropout: 0.1 },
  plan: {
    steps: 100,
    batchSize: 16,
    learningRate: 0.003,
    warmupSteps: 10,
    heldOutFraction: 0.1,
    evalEvery: 10,
    evalBatches: 2,
    checkpointEvery: 50,
    seed: 0,
  },
};

describe('run records', () => {
  it('lists each setting that differs, and ignores where the text was read from', () => {
    expect(recordDifferences(record, { ...record, text: { ...record.text, path: '/b/moved.txt' } })).toEqual(
      [],
    );
    expect(
      recordDifferences(record, {
        ...record,
        text: { ...record.text, sha256: 'cd34' },
        tokenizer: { kind: 'bpe', vocabSize: 300 },
        plan: { ...record.plan, steps: 200 },
      }),
    ).toEqual([
      'text.sha256: "ab12" → "cd34"',
      'tokenizer.kind: "char" → "bpe"',
      'plan.steps: 100 → 200',
      'tokenizer.vocabSize: unset → 300',
    ]);
  });

  it('round-trips through run.json and names a broken one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'text-lm-record-'));
    try {
      expect(await readRunRecord(dir)).toBeUndefined();
      await writeRunRecord(dir, record);
      expect(await readRunRecord(dir)).toEqual(record);
      await writeFile(join(dir, 'run.json'), '{"version": 1, "text"');
      const error = await readRunRecord(dir).catch((e: unknown) => e);
      expect(KitError.isInstance(error) && error.code === 'STALE_RUN').toBe(true);
      expect((error as Error).message).toMatch(
        /run\.json: cannot be read \(.*\); pass --fresh to start over$/,
      );
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
