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
