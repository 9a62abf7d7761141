/** One example as token ids: the prompt the model reads and the target it must emit after it. */
export interface PromptTarget {
  /** Token ids the model is given (`35*07=`, or a text and a separator). */
  readonly prompt: readonly number[];
  /** Token ids the model must produce, already in emission order. */
  readonly target: readonly number[];
}

/**
 * A training batch as plain arrays, so it can be built and tested without tensors, and posted to a worker when
 * two threads train (it is a `MultiTokenBatch` of losses-multitoken, whose head 0 is next-token prediction).
 */
export interface Rows {
  /** Padded sequences `[B, L]`: prompt ++ target ++ padding. */
  ids: number[][];
  /** Weight of each token as a target `[B, L]`: 1 on target tokens, 0 on prompt and padding. */
  mask: number[][];
}

/** Options of {@link toRows}. */
export interface ToRowsOptions {
  /** The examples of the batch. */
  examples: readonly PromptTarget[];
  /** Padded sequence length L (prompt + target); at least the longest example. */
  length: number;
  /** Id written after the end of a shorter example; masked out of the loss. */
  padId: number;
}

/**
 * Lays out a batch for next-token training with the loss on target tokens only. Sequence s = prompt ++ target,
 * padded to L; position t predicts s[t + 1], which is scored exactly when its mask entry
 * `prompt.length ≤ t + 1 < prompt.length + target.length` is 1, so the first target token is predicted from the
 * last prompt token and nothing of the prompt (or the padding) is ever a loss term.
 */
export function toRows(options: ToRowsOptions): Rows {
  const { examples, length, padId } = options;
  const rows: Rows = { ids: [], mask: [] };
  examples.forEach((example, b) => {
    const sequence = [...example.prompt, ...example.target];
    if (sequence.length > length) {
      throw new RangeError(
        `examples[${b}] has ${sequence.length} tokens but the padded length is ${length}; raise the length`,
      );
    }
    while (sequence.length < length) sequence.push(padId);
    const start = example.prompt.length;
    const end = start + example.target.length;
    rows.ids.push(sequence);
    rows.mask.push(Array.from({ length }, (_, j) => (j >= start && j < end ? 1 : 0)));
  });
  return rows;
}
