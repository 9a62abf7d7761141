import {
  decodeStep,
  KVCache,
  samplingDistribution,
  seededRandom,
  type TransformerModel,
} from '@beyond-ntp/transformer-core';
import { verifyDrafts } from './accept.js';
import { Layout } from './layout.js';
import type { CheckedOptions } from './options.js';
import { type DecodeRows, type Draft, HeadProposer, ModelProposer, type Proposer } from './proposers.js';
import { StatsRecorder } from './stats.js';

/** @internal A speculative decoding run: its iterations (started lazily) and what they have done so far. */
export interface SpeculativeRun {
  /**
   * One item per target forward: the tokens each row gained (empty for rows that had stopped). Closing the
   * generator early frees the caches.
   */
  iterations: Generator<number[][], void, undefined>;
  stats: StatsRecorder;
}

/**
 * @internal Speculative decoding of checked prompts and options.
 *
 * Each iteration: the proposer drafts `f = min(available, tokens still wanted − 1)` tokens per row; one target
 * forward feeds each row's uncached columns plus its drafts and returns the last `f + 1` positions; every active
 * row verifies its drafts ({@link verifyDrafts}). Rows then commit the same number of tokens, `m + 1` with `m`
 * the fewest drafts an active row accepted, so that the batch keeps `generate`'s layout: one shared cache, every
 * row's next token in the same column, hence exactly `generate`'s arithmetic. A row that produced a stop token
 * does not hold the others back. The cache is rolled back to the committed columns minus each row's last token,
 * which the next forward feeds first.
 */
export function speculativeRun(model: TransformerModel, options: CheckedOptions): SpeculativeRun {
  const { drafter } = options;
  const stats = new StatsRecorder('heads' in drafter ? drafter.heads : drafter.tokens + 1);
  return { iterations: iterate(model, options, stats), stats };
}

function* iterate(
  model: TransformerModel,
  options: CheckedOptions,
  stats: StatsRecorder,
): Generator<number[][], void, undefined> {
  const { prompts, maxNewTokens, seeds, sampling, drafter } = options;
  const rows: DecodeRows = {
    layout: new Layout(prompts),
    active: prompts.map(() => true),
    streams: seeds.map(seededRandom),
    sampling,
  };
  const proposer: Proposer =
    'heads' in drafter
      ? new HeadProposer(rows, drafter.heads)
      : new ModelProposer(rows, drafter.model, drafter.tokens, stats);
  const cache = new KVCache();
  try {
    let generated = 0;
    while (generated < maxNewTokens && rows.active.includes(true)) {
      const count = Math.min(proposer.available(), maxNewTokens - generated - 1);
      const { returned, committed } = stats.timed(() => {
        const drafts = proposer.propose(count);
        const logits = verifyForward(model, rows, cache, proposer.targetHeads, drafts);
        stats.forward('target');
        return commit({ rows, cache, proposer, stats, options, drafts, logits });
      });
      generated += committed;
      yield returned;
    }
  } finally {
    cache.dispose();
    proposer.dispose();
  }
}

// One target forward over each row's uncached columns and its drafts: logits [head][row][position] of the last
// drafts + 1 positions (position 0 predicts the first draft, the last one the token after every draft).
function verifyForward(
  model: TransformerModel,
  { layout }: DecodeRows,
  cache: KVCache,
  heads: number[],
  drafts: Draft[],
): Float32Array[][][] {
  const { ids, ...window } = layout.input(
    cache.length,
    drafts.map((draft) => draft.tokens),
  );
  const lastPositions = (drafts[0]?.tokens.length ?? 0) + 1;
  return decodeStep(model, ids, { kvCache: cache, heads, lastPositions, ...window });
}

interface CommitInput {
  rows: DecodeRows;
  cache: KVCache;
  proposer: Proposer;
  stats: StatsRecorder;
  options: CheckedOptions;
  drafts: Draft[];
  logits: Float32Array[][][];
}

// Verifies every active row's drafts, commits the same number of tokens to every row, rolls the cache back, and
// returns what each row gained (up to its stop token) and how many tokens every row committed.
function commit({ rows, cache, proposer, stats, options, drafts, logits }: CommitInput): {
  returned: number[][];
  committed: number;
} {
  const { layout, active, streams } = rows;
  const { stopTokens, sampling } = options;
  const emitted = drafts.map((draft, b) =>
    active[b]
      ? verifyDrafts({
          drafts: draft.tokens,
          proposals: draft.proposals,
          target: (i) => samplingDistribution(logits[0]?.[b]?.[i] as Float32Array, sampling),
          random: streams[b] as () => number,
        })
      : [],
  );
  const fewest = Math.min(
    drafts[0]?.tokens.length ?? 0,
    ...emitted.flatMap((tokens, b) =>
      active[b] && !tokens.some((t) => stopTokens.has(t)) ? [tokens.length - 1] : [],
    ),
  );
  // Row b commits fewest + 1 tokens: its emitted ones, then (past a stop token, or for a stopped row) repeats of
  // its last token, as generate feeds a stopped row.
  const committed = emitted.map((tokens, b) => {
    const last = tokens.at(-1) ?? layout.rows[b]?.at(-1) ?? 0;
    return [...tokens, ...new Array<number>(fewest + 1).fill(last)].slice(0, fewest + 1);
  });
  const returned = committed.map((tokens, b) => {
    if (!active[b]) return [];
    const stop = tokens.findIndex((t) => stopTokens.has(t));
    if (stop >= 0) active[b] = false;
    const kept = stop >= 0 ? tokens.slice(0, stop + 1) : tokens;
    stats.gained(kept.length);
    return kept;
  });
  const width = layout.width;
  layout.append(committed);
  cache.truncate(width + fewest);
  proposer.committed({ logits, position: fewest, length: width + fewest });
  return { returned, committed: fewest + 1 };
}
