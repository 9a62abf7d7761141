import { evaluatePolynomial, type PolynomialRecord } from '@beyond-ntp/synth-tasks';
import { generate, type TransformerModel } from '@beyond-ntp/transformer-core';
import { ANSWER_LENGTH, IN_DOMAIN, OUT_OF_DOMAIN, polynomialTokenizer } from './task.js';

/** Options of {@link exactMatch}. */
export interface ExactMatchOptions {
  /** The model; head 0 decodes. */
  model: TransformerModel;
  /** Held-out problems. */
  records: readonly PolynomialRecord[];
  /** Prompts per `generate` call. @default 250 */
  chunk?: number;
}

/**
 * Greedy decoding of 5 tokens after each prompt (head 0, `generate` with temperature 0, left-padded batches) and
 * synth-tasks' exact match against the true coefficients: `m<k>` per operation count, `inDomain` the mean over
 * m = 1..5 and `outOfDomain` over m = 6..10 (each m weighs the same), and `inDomainDigits`, the share of in-domain
 * answer coefficients right in their place (a graded signal while exact match is still near 0). Plain numbers; no
 * tensor outlives the call.
 */
export function exactMatch(options: ExactMatchOptions): Record<string, number> {
  const { model, records, chunk = 250 } = options;
  const predictions: string[] = [];
  for (let start = 0; start < records.length; start += chunk) {
    const prompts = records.slice(start, start + chunk).map((r) => polynomialTokenizer.encode(r.prompt));
    for (const ids of generate(model, prompts, { maxNewTokens: ANSWER_LENGTH, temperature: 0 })) {
      predictions.push(polynomialTokenizer.decode(ids));
    }
  }
  const { byOps } = evaluatePolynomial({ records, predictions });
  const at = (m: number) => byOps[String(m)]?.accuracy ?? Number.NaN;
  const meanOver = (ms: number[]) => ms.reduce((sum, m) => sum + at(m), 0) / ms.length;
  const metrics: Record<string, number> = {
    inDomain: meanOver(IN_DOMAIN),
    outOfDomain: meanOver(OUT_OF_DOMAIN),
    inDomainDigits: digitAccuracy(records, predictions, IN_DOMAIN),
  };
  for (const m of [...IN_DOMAIN, ...OUT_OF_DOMAIN]) metrics[`m${m}`] = at(m);
  return metrics;
}

/** Share of answer coefficients predicted right in their position, over the problems with m in `ops`. */
export function digitAccuracy(
  records: readonly PolynomialRecord[],
  predictions: readonly string[],
  ops: readonly number[],
): number {
  let right = 0;
  let total = 0;
  records.forEach((record, i) => {
    if (!ops.includes(record.ops)) return;
    for (let k = 0; k < ANSWER_LENGTH; k++) if (predictions[i]?.[k] === record.answer[k]) right++;
    total += ANSWER_LENGTH;
  });
  return total === 0 ? Number.NaN : right / total;
}
