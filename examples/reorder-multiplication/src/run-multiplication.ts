import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DigitPermutation } from '@beyond-ntp/target-reorder-mi';
import type { Json, RunContext } from '@beyond-ntp-examples/kit';
import { arithmeticTokenizer, DIGIT_IDS, encodeProblem, PAD_ID, scoreEmitted } from './arithmetic-task.js';
import type { ConditionConfig } from './conditions.js';
import { arithmeticSplitFor } from './conditions.js';
import { greedyDecode } from './decode.js';
import { trainTask } from './train-task.js';

/** Name of the metric of the digit worth 10^k, in natural positions (`d10^1` is the tens digit). */
export const digitMetric = (k: number): string => `d10^${k}`;

/**
 * One multiplication run: train on answers in the condition's order, decode held-out answers greedily in that
 * order, put them back with `invert` and score exact match and every natural digit position.
 */
export async function runMultiplication(ctx: RunContext<Json>): Promise<Record<string, number>> {
  const { plan, order } = ctx.config as unknown as ConditionConfig;
  const split = arithmeticSplitFor(plan);
  const transform = new DigitPermutation({ order });
  // Stored beside the run, so a model trained in this order can always be decoded through the right invert.
  await writeFile(join(ctx.dir, 'transform.json'), `${JSON.stringify(transform, null, 2)}\n`);
  const examples = split.train.map((r) => encodeProblem(r, transform));
  const prompts = split.test.map((r) => arithmeticTokenizer.encode(r.prompt));
  const length = (split.train[0]?.prompt.length ?? 0) + split.width;
  return trainTask({
    ctx,
    model: { ...plan.model, vocabSize: arithmeticTokenizer.vocabSize, contextLength: length },
    examples,
    length,
    padId: PAD_ID,
    recipe: plan.recipe,
    evaluate: (model) => {
      const emitted = greedyDecode({ model, prompts, steps: split.width, allowed: DIGIT_IDS });
      const score = scoreEmitted({ records: split.test, emitted, transform });
      const metrics: Record<string, number> = { exact: score.accuracy };
      // digitAccuracy is most significant first: index i is the digit worth 10^(width − 1 − i).
      score.digitAccuracy.forEach((accuracy, i) => {
        metrics[digitMetric(split.width - 1 - i)] = accuracy;
      });
      return metrics;
    },
  });
}
