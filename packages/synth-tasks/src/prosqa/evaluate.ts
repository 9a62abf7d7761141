import { SynthTasksError } from '../errors.js';
import { checkSameLength, type ExactMatch, exactMatch } from '../metrics.js';
import { distancesFrom } from './graph.js';
import type { ProsQARecord } from './record.js';
import { parseQuestion } from './sentences.js';

/**
 * Answers a ProsQA question from its text alone: reads every "X is a Y." sentence as an edge, searches from
 * the entity and returns "<entity> is a <option>." for the one option it reaches. Throws a PARSE_ERROR when
 * the text is malformed or not exactly one option is reachable.
 */
export function solveProsQA(question: string): string {
  const fail = (why: string): never => {
    throw new SynthTasksError('PARSE_ERROR', `solveProsQA: ${why} in "${question.slice(0, 80)}…"`);
  };
  const { entity, options, facts } = parseQuestion(question, fail);
  const ids = new Map<string, number>();
  const children: number[][] = [];
  const id = (name: string) => {
    if (!ids.has(name)) {
      ids.set(name, ids.size);
      children.push([]);
    }
    return ids.get(name) as number;
  };
  for (const [parent, child] of facts) children[id(parent)]?.push(id(child));
  for (const name of [entity, ...options]) id(name);
  const dist = distancesFrom(id(entity), children);
  const reached = options.filter((option) => Number.isFinite(dist[id(option)]));
  if (reached.length !== 1) fail(`${reached.length} of the two options are reachable from ${entity}`);
  return `${entity} is a ${reached[0]}.`;
}

/** Options of {@link evaluateProsQA}. */
export interface EvaluateProsQAOptions {
  /** The reference records. */
  records: readonly ProsQARecord[];
  /** One predicted answer sentence per record, e.g. "Tom is a lempus." (surrounding whitespace ignored). */
  predictions: readonly string[];
}

/** Exact-match accuracy of predicted answer sentences (the Coconut metric). */
export function evaluateProsQA(options: EvaluateProsQAOptions): ExactMatch {
  checkSameLength('evaluateProsQA', options.records, options.predictions);
  return exactMatch(
    options.records.map((r) => r.answer),
    options.predictions,
  );
}
