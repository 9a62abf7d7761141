import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@beyond-ntp/runtime';
import { generate, loadModel } from '@beyond-ntp/transformer-core';
import { main } from '@beyond-ntp-examples/kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { experiment } from './experiment.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('the self-speculative app (smoke mode)', () => {
  it('trains both variants, decodes exactly, reports every k and saves each model with its prompts', async () => {
    const out = await mkdtemp(join(tmpdir(), 'self-speculative-'));
    try {
      const results = await main(experiment, {
        argv: ['--smoke', '--backend', 'cpu', '--out', out],
        stdout: { write: () => true },
      });
      expect(results?.runs.map((r) => r.condition)).toEqual(['joint', 'heads-added']);
      for (const r of results?.runs ?? []) {
        expect(r.metrics.mismatches).toBe(0);
        expect(r.metrics['tpf-k1']).toBe(1);
        for (const k of [2, 3, 4]) {
          expect(r.metrics[`tpf-k${k}`]).toBeGreaterThanOrEqual(1);
          expect(r.metrics[`tpf-k${k}`]).toBeLessThanOrEqual(k);
          const gained = [...Array(k).keys()].map((n) => r.metrics[`gained-k${k}-${n + 1}`] as number);
          expect(gained.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        }
        // The saved model continues the saved prompts as the decoded run did.
        const dir = join(out, 'runs', r.id, 'model');
        const { prompts, maxNewTokens } = JSON.parse(await readFile(join(dir, 'prompts.json'), 'utf8'));
        const decoded = JSON.parse(await readFile(join(out, 'runs', r.id, 'decoding.json'), 'utf8'));
        const model = await loadModel(dir);
        expect(model.config.heads.count).toBe(4);
        expect(generate(model, prompts[0], { maxNewTokens, temperature: 0 })).toEqual(
          decoded.decoders[0].tokens[0],
        );
        model.dispose();
      }
      const report = await readFile(join(out, 'results.md'), 'utf8');
      expect(report).toMatch(/Machine load during decoding/);
      expect(report).toMatch(/\| joint \| 4 \|/);
    } finally {
      await rm(out, { recursive: true });
    }
  });
});
