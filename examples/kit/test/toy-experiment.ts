import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareConditions, defineExperiment } from '../src/index.js';

/** What the toy run function was asked to do, one entry per call. */
export interface ToyCall {
  id: string;
  resume: boolean;
  startStep: number;
}

/**
 * A deterministic stand-in for training, without tensors: each step raises a score by the condition's `rate`;
 * a "checkpoint" (a `latest` file holding the step) is written every 4 steps, and a resumed run continues from it.
 * `killAt` makes the run with that id throw after the given step, once, as a killed process would stop.
 */
export function toyExperiment(options: {
  dir: string;
  rates?: Record<string, number>;
  steps?: number;
  /** Ask for the two standard plots (rendering them after every run is the slow part of these tests). */
  plots?: boolean;
}) {
  const calls: ToyCall[] = [];
  const kills = new Map<string, number>();
  const rates = options.rates ?? { slow: 0.01, fast: 0.03 };
  const steps = options.steps ?? 10;
  const experiment = defineExperiment({
    name: 'toy',
    title: 'fast beats slow',
    dir: options.dir,
    seeds: { smoke: 2, quick: 3, full: 3 },
    conditions: () =>
      Object.entries(rates).map(([name, rate]) => ({ name, config: { rate, steps }, units: steps })),
    async run(ctx) {
      const latest = join(ctx.checkpointDir, 'latest');
      const startStep = ctx.resume ? Number(readFileSync(latest, 'utf8')) : 0;
      calls.push({ id: ctx.id, resume: ctx.resume, startStep });
      const callbacks = ctx.trainCallbacks({ lossEvery: 5 });
      callbacks.onStart({ startStep });
      for (let step = startStep + 1; step <= ctx.config.steps; step++) {
        const score = scoreAt(ctx.config.rate, ctx.seed, step);
        callbacks.onStep({ step, loss: 1 - score });
        if (step % 2 === 0) ctx.record('score', step, score);
        if (step % 4 === 0) {
          mkdirSync(ctx.checkpointDir, { recursive: true });
          writeFileSync(latest, String(step));
        }
        if (kills.get(ctx.id) === step) {
          kills.delete(ctx.id);
          throw new Error(`killed ${ctx.id} at step ${step}`);
        }
      }
      return {
        metrics: { score: scoreAt(ctx.config.rate, ctx.seed, ctx.config.steps), steps: ctx.config.steps },
      };
    },
    summarize: ({ results }) => ({
      verdict: compareConditions({
        results,
        metric: 'score',
        baseline: 'slow',
        treatment: 'fast',
        higherIsBetter: true,
        minSeeds: 2,
      }),
      metrics: ['score'],
      plots: options.plots
        ? [
            { kind: 'curves', file: 'score.svg', curve: 'score' },
            { kind: 'comparison', file: 'final.svg', metric: 'score' },
          ]
        : [],
    }),
  });
  return {
    experiment,
    calls,
    /** Makes run `id` throw after `step` (once). */
    killAt: (id: string, step: number) => kills.set(id, step),
    hasCheckpoint: (out: string, id: string) => existsSync(join(out, 'runs', id, 'checkpoints')),
  };
}

/** The toy score after `step` steps: `rate · step` plus a per-seed offset of 0.001 · seed. */
export function scoreAt(rate: number, seed: number, step: number): number {
  return rate * step + 0.001 * seed;
}
