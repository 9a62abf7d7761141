import { multiTokenGradients, multiTokenLossFn, parameterMatched } from '@beyond-ntp/losses-multitoken';
import { createModel } from '@beyond-ntp/transformer-core';
import { type Json, multiTokenParallel, type RunContext, trainRun } from '@beyond-ntp-examples/kit';
import { exactMatch } from './exact-match.js';
import type { ConditionConfig } from './plan.js';
import { CONTEXT_LENGTH, heldOut, PAD_ID, polynomialTokenizer, trainingBatches } from './task.js';

/**
 * One run: a model with the condition's heads, parameter-matched to its next-token baseline (untied embeddings,
 * as in the paper; rotary positions, so the longer out-of-domain prompts get positions like those seen in
 * training), trained on the n-token loss over whole sequences through the head-by-head path (or, when `--parallel`
 * says so, split over two threads: the same updates up to float rounding), scored by greedy exact match.
 */
export async function runCondition(ctx: RunContext<Json>): Promise<Record<string, number>> {
  const { heads, size, batch, perOps, recipe } = ctx.config as unknown as ConditionConfig;
  const records = heldOut(perOps);
  const model = createModel(
    parameterMatched({
      config: {
        ...size,
        vocabSize: polynomialTokenizer.vocabSize,
        contextLength: CONTEXT_LENGTH,
        positional: 'rope',
        tieEmbeddings: false,
      },
      heads,
    }),
    { seed: ctx.seed },
  );
  const objective = { model, padId: PAD_ID };
  return trainRun({
    ctx,
    model,
    recipe,
    train: {
      lossFn: multiTokenLossFn(objective),
      gradients: multiTokenGradients(objective),
      batches: trainingBatches({ seed: ctx.seed, size: batch }),
    },
    parallel: multiTokenParallel(objective),
    evaluate: () => exactMatch({ model, records }),
  });
}
