import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ifMissing } from './node-fs.js';

describe('ifMissing', () => {
  it('turns a missing file or directory into the value and rethrows every other error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'if-missing-'));
    try {
      expect(await readFile(join(dir, 'absent.json'), 'utf8').catch(ifMissing('default'))).toBe('default');
      expect(await readdir(join(dir, 'absent')).catch(ifMissing([]))).toEqual([]);
      // Reading a directory as a file fails with EISDIR, which is not "missing".
      await expect(readFile(dir).catch(ifMissing(undefined))).rejects.toMatchObject({ code: 'EISDIR' });
      const plain = new Error('disk on fire');
      expect(() => ifMissing(0)(plain)).toThrow(plain);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
