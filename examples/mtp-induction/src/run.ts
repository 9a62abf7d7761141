import { multiTokenGradients, multiTokenLossFn, parameterMatched } from '@beyond-ntp/losses-multitoken';
import { createModel } from '@beyond-ntp/transformer-core';
import { type Json, multiTokenParallel, type RunContext, trainRun } from '@beyond-ntp-examples/kit';
import { inductionMetrics } from './induction-metrics.js';
import type { ConditionConfig } from './plan.js';
import { CONTEXT_LENGTH, storyData, trainingBatches } from './stories.js';
import { PAD_ID } from './story-tokenizer.js';

/**
 * One run: a model with the condition's heads, parameter-matched to the next-token baseline of its size (untied
 * embeddings, as in the paper), trained on the n-token loss through the memory-efficient head-by-head path (or,
 * when `--parallel` says so, split over two threads: the same updates up to float rounding) and scored on the
 * held-out stories.
 */
export async function runCondition(ctx: RunContext<Json>): Promise<Record<string, number>> {
  const { heads, size, batch, testCount, recipe } = ctx.config as unknown as ConditionConfig;
  const { tokenizer, test } = storyData(testCount);
  const config = {
    ...size,
    vocabSize: tokenizer.vocabSize,
    contextLength: CONTEXT_LENGTH,
    tieEmbeddings: false,
  };
  const model = createModel(parameterMatched({ config, heads }), { seed: ctx.seed });
  const objective = { model, padId: PAD_ID };
  const batches = trainingBatches({ tokenizer, seed: ctx.seed, size: batch });
  return trainRun({
    ctx,
    model,
    train: { lossFn: multiTokenLossFn(objective), gradients: multiTokenGradients(objective), batches },
    recipe,
    parallel: multiTokenParallel(objective),
    evaluate: () => inductionMetrics({ model, tokenizer, stories: test }),
  });
}
