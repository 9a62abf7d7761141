/** Sentence of edge [p, c]: "Tom is a lempus." when p is a person, "Every lempus is a grimpus." otherwise. */
export function edgeSentence(symbols: readonly string[], isPerson: readonly boolean[], p: number, c: number) {
  return isPerson[p] ? `${symbols[p]} is a ${symbols[c]}.` : `Every ${symbols[p]} is a ${symbols[c]}.`;
}

/** Parses one edge sentence into [parent name, child name], or undefined if it has another shape. */
export function parseEdgeSentence(sentence: string): [string, string] | undefined {
  const match = /^(?:Every (\w+)|(\w+)) is an? (\w+)\.$/.exec(sentence.trim());
  if (!match) return undefined;
  return [(match[1] ?? match[2]) as string, match[3] as string];
}

/** A ProsQA question read back from its text. */
export interface QuestionParts {
  /** The entity asked about. */
  entity: string;
  /** The two options, in the order asked. */
  options: [string, string];
  /** [parent, child] names of every sentence before the question, in text order. */
  facts: [string, string][];
}

/**
 * Splits "<sentences> Is <entity> a <A> or <B>?" into its parts; `fail(why)` is called (and must throw) for a
 * missing final question or a sentence that is not an edge sentence.
 */
export function parseQuestion(question: string, fail: (why: string) => never): QuestionParts {
  const ask = /Is (\w+) an? (\w+) or (\w+)\?$/.exec(question);
  if (!ask) return fail('no final "Is X a A or B?" question');
  const [, entity = '', a = '', b = ''] = ask;
  const sentences = question.slice(0, ask.index).match(/[^.]+\./g) ?? [];
  const facts = sentences.map(
    (sentence) => parseEdgeSentence(sentence) ?? fail(`unreadable sentence "${sentence.trim()}"`),
  );
  return { entity, options: [a, b], facts };
}
