// The latent-search probe of the paper (§5, "Interpreting the latent search"): after k thoughts, close the latent
// span with <eot> and read how likely the model is to continue with each frontier node. With ProsQA, language
// after k thoughts resumes at step k + 1, "Every [X] is a …", so X ranges over the nodes k edges from the root,
// and value(X) = Π_i P(x_i | question, <bot>, k thoughts, <eot>, "Every", x_<i).
import { crossEntropy, type TransformerModel } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { collate } from './collate.js';
import { continuousForward } from './continuous-forward.js';
import { CoconutError, checkInteger } from './errors.js';
import { type CoconutTokens, checkIds, checkNoLatent } from './example.js';
import { IGNORE_LABEL, thoughtPrompt } from './stages.js';

/** Options of {@link probeValues}. */
export interface ProbeOptions {
  /** Question tokens. */
  question: number[];
  /** Continuous thoughts k before `<eot>`. */
  thoughts: number;
  /** Special token ids. */
  tokens: CoconutTokens;
  /**
   * Language after `<eot>` that precedes a node's name, e.g. the tokens of `"Every"` for ProsQA at k ≥ 1 (at
   * k = 0 the next step names the entity first: `"Tom is a"`).
   * @default []
   */
  prefix?: number[];
  /** The token ids of each candidate (frontier node), e.g. of `" lempus"`. Each non-empty. */
  candidates: number[][];
}

/** Result of {@link probeValues}, one entry per candidate. */
export interface ProbeResult {
  /** value = Π_i P(token_i | everything before it): the probability of the candidate's whole token sequence. */
  values: number[];
  /** ln value = Σ_i ln P(token_i | …), exact where `values` underflows. */
  logValues: number[];
}

/**
 * Reads the model's value of each candidate after `thoughts` continuous thoughts: one batch row per candidate,
 * `question <bot> thought×k <eot> prefix candidate`, scored by the summed log-probabilities of the candidate's
 * tokens. Leaves `tf.memory().numTensors` unchanged.
 *
 * @throws {CoconutError} for invalid ids or options.
 */
export function probeValues(model: TransformerModel, options: ProbeOptions): ProbeResult {
  const { tokens, prefix = [], candidates } = options;
  const thoughts = checkInteger('thoughts', options.thoughts, 0);
  if (!Array.isArray(candidates) || candidates.length === 0) {
    throw new CoconutError('INVALID_OPTION', 'candidates', 'must hold at least one candidate');
  }
  const language: Array<[string, number[], boolean]> = [
    ['prefix', prefix, false],
    ...candidates.map((c, i): [string, number[], boolean] => [`candidates[${i}]`, c, true]),
  ];
  for (const [field, ids, nonEmpty] of language)
    checkNoLatent(field, checkIds(field, ids, nonEmpty), tokens.latent);
  const context = [...thoughtPrompt({ question: options.question, slotCount: thoughts, tokens }), ...prefix];
  const batch = collate({
    rows: candidates.map((candidate) => ({
      ids: [...context, ...candidate],
      labels: [...context.map(() => IGNORE_LABEL), ...candidate],
    })),
    tokens,
  });
  const width = batch.ids[0]?.length as number;
  const negLogs = tf.tidy(() => {
    const { logits } = continuousForward(model, batch, { latent: tokens.latent });
    const perToken = crossEntropy(
      tf.slice(logits, [0, 0, 0], [-1, width - 1, -1]),
      batch.labels.map((row) => row.slice(1)),
      { mask: batch.lossMask.map((row) => row.slice(1)), reduction: 'none' },
    );
    return tf.sum(perToken, 1);
  });
  const logValues = Array.from(negLogs.dataSync(), (x) => -x);
  negLogs.dispose();
  return { values: logValues.map(Math.exp), logValues };
}

/** The edges and root of a DAG: a ProsQA graph (`[parent, child]` edges, as in the released files). */
export interface SearchGraph {
  /** Directed edges `[parent, child]`. */
  edges: readonly (readonly [number, number])[];
  /** The node the search starts from (the question's entity). */
  root: number;
}

/**
 * The frontier after k thoughts: the nodes whose shortest distance from the root is exactly k (k = 1: the
 * root's children, k = 2: the grandchildren not already children), sorted by id.
 *
 * @throws {CoconutError} (`INVALID_OPTION`) when k is not a non-negative integer.
 */
export function frontierNodes(graph: SearchGraph, k: number): number[] {
  checkInteger('k', k, 0);
  const children = new Map<number, number[]>();
  for (const [parent, child] of graph.edges) children.set(parent, [...(children.get(parent) ?? []), child]);
  const seen = new Set([graph.root]);
  let layer = [graph.root];
  for (let depth = 0; depth < k; depth++) {
    const next = layer.flatMap((node) => children.get(node) ?? []).filter((node) => !seen.has(node));
    layer = [...new Set(next)];
    for (const node of layer) seen.add(node);
  }
  return layer.sort((a, b) => a - b);
}
