import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { multiTokenMetrics } from '@beyond-ntp/losses-multitoken';
import { speculativeGenerate } from '@beyond-ntp/spec-decode';
import { generate, saveModel, type TransformerModel } from '@beyond-ntp/transformer-core';
import { type Json, median, type RunContext } from '@beyond-ntp-examples/kit';
import { type Decoder, type DecoderMeasurement, measureDecoders, pairedSpeedups } from './measure.js';
import { HEADS, type Plan } from './plan.js';
import { loadStories, PAD_ID, promptSet, windowBatch } from './stories.js';
import { trainHeadsAdded, trainJoint } from './train-models.js';

/** How the extra heads were trained. */
export type Variant = 'joint' | 'heads-added';

/** A condition's config, stored with every run. */
export interface ConditionConfig {
  variant: Variant;
  plan: Plan;
}

/** Progress units of one decoding round: a prompt decoded by greedy and 4 speculative decoders ≈ 3 updates. */
export const UNITS_PER_PROMPT_ROUND = 3;

/** Progress units of a run: its training updates, then its decoding rounds. */
export function runUnits({ variant, plan }: ConditionConfig): number {
  const training = variant === 'joint' ? plan.steps : plan.steps + plan.headSteps;
  return training + (plan.rounds + 1) * plan.prompts * UNITS_PER_PROMPT_ROUND;
}

/** Decoders compared on one model: KV-cached greedy `generate`, then self-speculative with k = 1 … 4 heads. */
export function decodersFor(model: TransformerModel, maxNewTokens: number): Decoder[] {
  return [
    {
      name: 'greedy',
      decode: (prompt) => ({ tokens: generate(model, prompt, { maxNewTokens, temperature: 0 }) }),
    },
    ...Array.from(
      { length: HEADS },
      (_, i): Decoder => ({
        name: `k${i + 1}`,
        decode: (prompt) =>
          speculativeGenerate(model, prompt, { maxNewTokens, temperature: 0, drafter: { heads: i + 1 } }),
      }),
    ),
  ];
}

/**
 * One run: train the condition's model, score its heads on held-out windows, save it (with the prompts) for the
 * spec-decode benchmark, then decode the fixed prompts with every decoder, timed in interleaved rounds.
 */
export async function runCondition(ctx: RunContext<Json>): Promise<Record<string, number>> {
  const { variant, plan } = ctx.config as unknown as ConditionConfig;
  const stories = loadStories(plan.stories);
  const vocabSize = stories.tokenizer.vocabSize;
  const options = { ctx, plan, vocabSize, trainIds: stories.trainIds };
  const model = variant === 'joint' ? await trainJoint(options) : await trainHeadsAdded(options);
  try {
    const trained = variant === 'joint' ? plan.steps : plan.steps + plan.headSteps;
    // One fixed batch of held-out windows: how often each head's argmax is the token it predicts.
    const testIds = stories.tokenizer.encode(stories.testTexts.join('\n'));
    const heldOut = windowBatch({
      ids: testIds,
      seed: 0,
      step: 0,
      batch: 16,
      length: plan.model.contextLength,
    });
    const scores = await multiTokenMetrics({ model, padId: PAD_ID, batches: [heldOut] });
    const prompts = promptSet({
      texts: stories.testTexts,
      tokenizer: stories.tokenizer,
      count: plan.prompts,
      length: plan.promptLength,
    });
    const modelDir = join(ctx.dir, 'model');
    await saveModel(modelDir, model);
    await writeFile(
      join(modelDir, 'prompts.json'),
      `${JSON.stringify({ maxNewTokens: plan.maxNewTokens, prompts }, null, 1)}\n`,
    );

    const loadBefore = os.loadavg()[0] as number;
    const measured = measureDecoders({
      decoders: decodersFor(model, plan.maxNewTokens),
      prompts,
      rounds: plan.rounds,
      onRound: (round) => ctx.progress(trained + round * plan.prompts * UNITS_PER_PROMPT_ROUND),
    });
    const loadAfter = os.loadavg()[0] as number;
    const [greedy, ...speculative] = measured as [DecoderMeasurement, ...DecoderMeasurement[]];
    await writeFile(
      join(ctx.dir, 'decoding.json'),
      `${JSON.stringify(
        {
          prompts: prompts.map((p) => stories.tokenizer.decode(p)),
          decoders: measured.map((m) => ({ ...m, texts: m.tokens.map((t) => stories.tokenizer.decode(t)) })),
        },
        null,
        1,
      )}\n`,
    );

    const metrics: Record<string, number> = {};
    for (const [i, m] of speculative.entries()) {
      const k = i + 1;
      const stats = m.stats as NonNullable<typeof m.stats>;
      metrics[`tpf-k${k}`] = stats.tokens / stats.forwards;
      metrics[`speedup-k${k}`] = median(pairedSpeedups(greedy, m));
      metrics[`mismatches-k${k}`] = m.mismatches;
      for (let n = 1; n <= k; n++)
        metrics[`gained-k${k}-${n}`] = (stats.acceptedLengths[n] ?? 0) / stats.forwards;
    }
    metrics.mismatches = speculative.reduce((sum, m) => sum + m.mismatches, 0);
    metrics['greedy-ms'] = median(greedy.roundMs);
    for (const head of scores.heads) metrics[`acc-h${head.head}`] = head.accuracy;
    metrics['load-start'] = loadBefore;
    metrics['load-end'] = loadAfter;
    metrics.cores = os.cpus().length;
    return metrics;
  } finally {
    model.dispose();
  }
}
