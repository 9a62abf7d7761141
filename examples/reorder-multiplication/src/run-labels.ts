import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MULTILABEL_LABELS } from '@beyond-ntp/synth-tasks';
import { LabelOrder } from '@beyond-ntp/target-reorder-mi';
import type { Json, RunContext } from '@beyond-ntp-examples/kit';
import type { ConditionConfig } from './conditions.js';
import { labelSplitFor } from './conditions.js';
import { greedyDecode } from './decode.js';
import { encodeLabelled, scoreLabels } from './multilabel-task.js';
import { trainTask } from './train-task.js';

/**
 * One multi-label run: train on label lists in the condition's order, decode held-out texts greedily (label
 * tokens and `<eos>` only) and score the predicted label sets, which do not depend on order.
 */
export async function runLabels(ctx: RunContext<Json>): Promise<Record<string, number>> {
  const { plan, order } = ctx.config as unknown as ConditionConfig;
  const split = labelSplitFor(plan);
  const transform = new LabelOrder({ labels: MULTILABEL_LABELS, order });
  await writeFile(join(ctx.dir, 'transform.json'), `${JSON.stringify(transform, null, 2)}\n`);
  const examples = split.train.map((r) => encodeLabelled(split, r, transform));
  // Prompts differ in length; each length is decoded as one batch.
  const byLength = new Map<number, number[]>();
  const prompts = split.test.map((r) => encodeLabelled(split, r, transform).prompt);
  prompts.forEach((p, i) => {
    byLength.set(p.length, [...(byLength.get(p.length) ?? []), i]);
  });
  const allowed = [...split.labelIds.values(), split.eosId];
  return trainTask({
    ctx,
    // Room for the longest prompt and a full label list even when decoding runs past where <eos> belonged.
    model: {
      ...plan.model,
      vocabSize: split.tokenizer.vocabSize,
      contextLength: split.maxLength + MULTILABEL_LABELS.length + 1,
    },
    examples,
    length: split.maxLength,
    padId: split.padId,
    recipe: plan.recipe,
    evaluate: (model) => {
      const emitted: number[][] = new Array(prompts.length);
      for (const rows of byLength.values()) {
        const out = greedyDecode({
          model,
          prompts: rows.map((i) => prompts[i] as number[]),
          steps: MULTILABEL_LABELS.length + 1,
          allowed,
        });
        rows.forEach((i, k) => {
          emitted[i] = out[k] as number[];
        });
      }
      const score = scoreLabels({ split, records: split.test, emitted, transform });
      return { setExact: score.exactMatch, microF1: score.microF1, macroF1: score.macroF1 };
    },
  });
}
