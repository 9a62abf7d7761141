import type { SpeculativeStats } from '@beyond-ntp/spec-decode';

/** One way of continuing a prompt: plain greedy `generate`, or speculative decoding with k heads. */
export interface Decoder {
  /** Name in logs and reports (`greedy`, `k4`). */
  name: string;
  /** Continues one prompt; speculative decoders also return their stats. */
  decode: (prompt: number[]) => { tokens: number[]; stats?: SpeculativeStats };
}

/** What one decoder did over the prompt set. */
export interface DecoderMeasurement {
  /** The decoder's name. */
  name: string;
  /** Milliseconds to decode every prompt, one entry per timed round. */
  roundMs: number[];
  /** The tokens of each prompt (the same in every round: decoding is deterministic). */
  tokens: number[][];
  /** Prompts whose tokens differ from the reference decoder's (the first) anywhere: 0 for exact decoding. */
  mismatches: number;
  /** Speculative stats summed over the prompts; undefined for a decoder without stats. */
  stats?: { tokens: number; forwards: number; acceptedLengths: number[] };
}

/** Options of {@link measureDecoders}. */
export interface MeasureOptions {
  /** The decoders; the first is the reference the others' tokens and times are compared with. */
  decoders: readonly Decoder[];
  /** Prompts, decoded one at a time (batch 1: the paper's per-sequence tokens per forward). */
  prompts: readonly number[][];
  /** Timed rounds after one untimed warm-up round. */
  rounds: number;
  /** Called before each round (0 is the warm-up), e.g. for progress. */
  onRound?: (round: number) => void;
}

/**
 * Decodes every prompt with every decoder, in rounds: an untimed warm-up round (which also gives the tokens and
 * stats), then `rounds` timed ones. Within a round each decoder decodes the whole prompt set in turn, the order
 * reversed every other round, so that a slow spell of a shared machine falls on all decoders alike and no
 * decoder always runs first or last. The times of one round are taken close together: compare decoders round by
 * round ({@link pairedSpeedups}).
 */
export function measureDecoders({
  decoders,
  prompts,
  rounds,
  onRound,
}: MeasureOptions): DecoderMeasurement[] {
  onRound?.(0);
  const warm = decoders.map((d) => prompts.map((prompt) => d.decode([...prompt])));
  const roundMs = decoders.map((): number[] => []);
  const indices = decoders.map((_, i) => i);
  for (let round = 1; round <= rounds; round++) {
    onRound?.(round);
    for (const i of round % 2 === 1 ? indices : [...indices].reverse()) {
      const decoder = decoders[i] as Decoder;
      const start = performance.now();
      for (const prompt of prompts) decoder.decode([...prompt]);
      roundMs[i]?.push(performance.now() - start);
    }
  }
  const reference = warm[0]?.map((r) => r.tokens) ?? [];
  return decoders.map((decoder, i) => {
    const results = warm[i] ?? [];
    const tokens = results.map((r) => r.tokens);
    const mismatches = tokens.filter((row, p) => !sameTokens(row, reference[p] ?? [])).length;
    const all = results.flatMap((r) => (r.stats ? [r.stats] : []));
    return {
      name: decoder.name,
      roundMs: roundMs[i] ?? [],
      tokens,
      mismatches,
      ...(all.length > 0 ? { stats: sumStats(all) } : {}),
    };
  });
}

const sameTokens = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((t, i) => t === b[i]);

function sumStats(stats: readonly SpeculativeStats[]) {
  const longest = Math.max(...stats.map((s) => s.acceptedLengths.length));
  return {
    tokens: stats.reduce((n, s) => n + s.tokens, 0),
    forwards: stats.reduce((n, s) => n + s.forwards.target, 0),
    acceptedLengths: Array.from({ length: longest }, (_, j) =>
      stats.reduce((n, s) => n + (s.acceptedLengths[j] ?? 0), 0),
    ),
  };
}

/** `reference.roundMs[r] / other.roundMs[r]` for every timed round r: how many times faster `other` was. */
export function pairedSpeedups(reference: DecoderMeasurement, other: DecoderMeasurement): number[] {
  return reference.roundMs.map((ms, r) => ms / (other.roundMs[r] as number));
}

/**
 * The most tokens per forward k heads can give on one prompt: the prompt's forward yields one token, every
 * later forward at most k, so `n / (1 + ⌈(n − 1) / k⌉)` for n new tokens.
 */
export function tokensPerForwardBound(newTokens: number, k: number): number {
  return newTokens / (1 + Math.ceil((newTokens - 1) / k));
}
