/** Model calls of one speculative call. */
export interface ForwardCounts {
  /** Forwards of the target model (each verifies one round of drafts for every row). */
  target: number;
  /** Forwards of the draft model; always 0 when the target's heads draft. */
  draft: number;
}

/** What one speculative call did. */
export interface SpeculativeStats {
  /** Model calls of the target and of the draft model. */
  forwards: ForwardCounts;
  /** New tokens returned, summed over rows. */
  tokens: number;
  /**
   * Mean tokens a row gains per target forward: `tokens / Σ acceptedLengths` (the multi-token paper's "tokens per
   * forward", Table S2). At most k with k heads, γ + 1 with a draft model of γ tokens; 0 before the first forward.
   */
  tokensPerForward: number;
  /**
   * `acceptedLengths[n]`: how many times a row gained n tokens from one target forward (its accepted drafts plus
   * the token the target supplies; a row counts in every forward it is still generating in). Index 0 is always 0,
   * and the last index is the most a forward can give: k with heads, γ + 1 with a draft model.
   */
  acceptedLengths: number[];
  /** Milliseconds spent decoding (for a stream: inside the decoder, not while the consumer holds an event). */
  wallTimeMs: number;
}

/** @internal Counts what a decoding loop does; {@link StatsRecorder.snapshot} is the public view. */
export class StatsRecorder {
  private readonly forwards = { target: 0, draft: 0 };
  private readonly lengths: number[];
  private tokens = 0;
  private elapsed = 0;

  /** @param longest the most tokens one forward can give a row. */
  constructor(longest: number) {
    this.lengths = new Array<number>(longest + 1).fill(0);
  }

  /** One forward of the target or of the draft model. */
  forward(model: 'target' | 'draft'): void {
    this.forwards[model] += 1;
  }

  /** A row gained `count` tokens from one target forward. */
  gained(count: number): void {
    this.lengths[count] = (this.lengths[count] ?? 0) + 1;
    this.tokens += count;
  }

  /** Runs `work`, adding its duration to the wall time. */
  timed<R>(work: () => R): R {
    const start = performance.now();
    try {
      return work();
    } finally {
      this.elapsed += performance.now() - start;
    }
  }

  /** The stats so far, as a fresh object. */
  snapshot(): SpeculativeStats {
    const rowForwards = this.lengths.reduce((sum, n) => sum + n, 0);
    return {
      forwards: { ...this.forwards },
      tokens: this.tokens,
      tokensPerForward: rowForwards === 0 ? 0 : this.tokens / rowForwards,
      acceptedLengths: [...this.lengths],
      wallTimeMs: this.elapsed,
    };
  }
}
