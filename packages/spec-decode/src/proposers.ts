// Where drafts come from. A proposer drafts tokens for every row (with the distribution each was drawn from, which
// the acceptance rule needs), tells the decoder which target heads to run, and hears back what was committed.
import {
  decodeStep,
  KVCache,
  type SamplingOptions,
  sampleToken,
  samplingDistribution,
  type TransformerModel,
} from '@beyond-ntp/transformer-core';
import type { Layout } from './layout.js';
import type { StatsRecorder } from './stats.js';

/** @internal What the decoder and its proposer share about the rows. */
export interface DecodeRows {
  layout: Layout;
  /** False once a row has produced a stop token. */
  active: boolean[];
  /** Row b's uniform numbers (`seededRandom(seed_b)`). */
  streams: Array<() => number>;
  sampling: SamplingOptions;
}

/** @internal One row's drafts `d_1 … d_f` and the distribution `q_i` each was drawn from (none for stopped rows). */
export interface Draft {
  tokens: number[];
  proposals: Float64Array[];
}

/** @internal What one target forward committed: its logits `[head][row][position]` and the kept prefix. */
export interface Committed {
  logits: Float32Array[][][];
  /** The returned position whose head-0 logits gave each row's last new token. */
  position: number;
  /** Columns now in the target's cache (everything but each row's last new token). */
  length: number;
}

/** @internal A source of drafts for the decoding loop. */
export interface Proposer {
  /** Heads every target forward runs; head 0 first. */
  readonly targetHeads: number[];
  /** Drafts available for the next target forward. */
  available(): number;
  /** `count` drafts per row (stopped rows repeat their last token and have no proposals). */
  propose(count: number): Draft[];
  /** Called after every target forward with what was kept. */
  committed(result: Committed): void;
  /** Frees what the proposer holds. */
  dispose(): void;
}

/**
 * Drafts with the target's own heads 1 … k−1 (self-speculation): the target forward that produced a row's last
 * token also ran every head there, and head j's distribution at that position is the proposal for the token j
 * places after it. No forward of its own, so decoding costs about one forward per iteration.
 */
export class HeadProposer implements Proposer {
  readonly targetHeads: number[];
  // [row][j − 1]: head j's logits at the position that predicted the row's last token; none before the first forward.
  private next?: Float32Array[][];

  constructor(
    private readonly rows: DecodeRows,
    heads: number,
  ) {
    this.targetHeads = Array.from({ length: heads }, (_, i) => i);
  }

  available(): number {
    return this.next === undefined ? 0 : this.targetHeads.length - 1;
  }

  propose(count: number): Draft[] {
    return draftRows(this.rows, count, (b, j) => this.next?.[b]?.[j] as Float32Array);
  }

  committed({ logits, position }: Committed): void {
    this.next = this.rows.layout.rows.map((_, b) =>
      logits.slice(1).map((head) => head[b]?.[position] as Float32Array),
    );
  }

  dispose(): void {
    this.next = undefined;
  }
}

/**
 * Drafts with a separate model, one token at a time on its own KV cache, which is rolled back to the committed
 * prefix after each target forward (the next proposal first feeds the columns it lacks).
 */
export class ModelProposer implements Proposer {
  readonly targetHeads = [0];
  private readonly cache = new KVCache();

  constructor(
    private readonly rows: DecodeRows,
    private readonly model: TransformerModel,
    private readonly tokens: number,
    private readonly stats: StatsRecorder,
  ) {}

  available(): number {
    return this.tokens;
  }

  propose(count: number): Draft[] {
    const drafts = this.rows.layout.rows.map((): Draft => ({ tokens: [], proposals: [] }));
    for (let j = 0; j < count; j++) {
      const { ids, ...window } = this.rows.layout.input(
        this.cache.length,
        drafts.map((draft) => draft.tokens),
      );
      const [logits = []] = decodeStep(this.model, ids, { kvCache: this.cache, ...window });
      this.stats.forward('draft');
      const step = draftRows(this.rows, 1, (b) => logits[b]?.[0] as Float32Array);
      for (const [b, draft] of drafts.entries()) {
        draft.tokens.push(...(step[b]?.tokens ?? []));
        draft.proposals.push(...(step[b]?.proposals ?? []));
      }
    }
    return drafts;
  }

  committed({ length }: Committed): void {
    if (this.cache.length > length) this.cache.truncate(length);
  }

  dispose(): void {
    this.cache.dispose();
  }
}

// `count` drafts per row, the j-th of row b drawn from samplingDistribution(logits(b, j)) with the row's stream.
function draftRows(
  { layout, active, streams, sampling }: DecodeRows,
  count: number,
  logits: (b: number, j: number) => Float32Array,
): Draft[] {
  return layout.rows.map((row, b) => {
    if (!active[b]) return { tokens: new Array<number>(count).fill(row.at(-1) ?? 0), proposals: [] };
    const proposals = Array.from({ length: count }, (_, j) => samplingDistribution(logits(b, j), sampling));
    const random = streams[b] as () => number;
    return { tokens: proposals.map((q) => sampleToken(q, random())), proposals };
  });
}
