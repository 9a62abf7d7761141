import { SynthTasksError } from '../errors.js';
import { checkSameLength, type ExactMatch, exactMatch } from '../metrics.js';
import type { ProntoQARecord } from './record.js';

/**
 * Answers a ProntoQA question from its text alone by forward chaining: collects every concept the entity
 * belongs to, then looks up the queried property among those concepts' rules. Throws a PARSE_ERROR for
 * unreadable sentences, undetermined or contradictory queries.
 */
export function solveProntoQA(question: string): 'True' | 'False' {
  const fail = (why: string): never => {
    throw new SynthTasksError('PARSE_ERROR', `solveProntoQA: ${why} in "${question.slice(0, 80)}…"`);
  };
  const query = /True or false: (\w+) is (not )?(\w+)\.$/.exec(question);
  if (!query) return fail('no final "True or false: X is [not] P." query');
  const [, entity = '', negated, property = ''] = query;
  const isA = new Map<string, string[]>();
  const has = new Map<string, Map<string, boolean>>();
  for (const sentence of question.slice(0, query.index).match(/[^.]+\./g) ?? []) {
    const typed = /^(?:Every )?(\w+) is an? (\w+)\.$/.exec(sentence.trim());
    const prop = /^Every (\w+) is (not )?(\w+)\.$/.exec(sentence.trim());
    if (typed) isA.set(typed[1] as string, [...(isA.get(typed[1] as string) ?? []), typed[2] as string]);
    else if (prop) {
      const props = has.get(prop[1] as string) ?? new Map<string, boolean>();
      props.set(prop[3] as string, !prop[2]);
      has.set(prop[1] as string, props);
    } else fail(`unreadable sentence "${sentence.trim()}"`);
  }
  const seen = new Set([entity]);
  const frontier = [entity];
  while (frontier.length > 0) {
    for (const parent of isA.get(frontier.pop() as string) ?? []) {
      if (seen.has(parent)) continue;
      seen.add(parent);
      frontier.push(parent);
    }
  }
  const values = new Set(
    [...seen].flatMap((c) => (has.get(c)?.has(property) ? [has.get(c)?.get(property)] : [])),
  );
  if (values.size !== 1)
    fail(`the property "${property}" is ${values.size ? 'contradictory' : 'undetermined'}`);
  return [...values][0] === !negated ? 'True' : 'False';
}

/** Options of {@link evaluateProntoQA}. */
export interface EvaluateProntoQAOptions {
  /** The reference records. */
  records: readonly ProntoQARecord[];
  /** One predicted answer ("True" or "False") per record; surrounding whitespace is ignored. */
  predictions: readonly string[];
}

/** Exact-match accuracy of True/False answers. */
export function evaluateProntoQA(options: EvaluateProntoQAOptions): ExactMatch {
  checkSameLength('evaluateProntoQA', options.records, options.predictions);
  return exactMatch(
    options.records.map((r) => r.answer),
    options.predictions,
  );
}
