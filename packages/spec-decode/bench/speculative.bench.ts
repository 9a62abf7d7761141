import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeBackend, initBackend } from '@beyond-ntp/runtime';
import { generate, loadModel, seededRandom, type TransformerModel } from '@beyond-ntp/transformer-core';
import { type BenchContext, type BenchReport, median } from '../../../bench/harness.js';
import type { Drafter } from '../src/options.js';
import { speculativeGenerate } from '../src/speculative-generate.js';
import type { SpeculativeStats } from '../src/stats.js';
import { cycleSequence, trainedCycleModel } from '../test/models.js';

// Self-speculative greedy decoding with k = 1 … 4 heads, and with a small draft model, against plain KV-cached
// greedy `generate`, in one run on one model: wall-clock speedup and tokens per forward. By default the model is a
// small 4-head transformer trained here for a few hundred steps on a cycle with 20% random jumps (its greedy
// continuation is the cycle, which the heads learn to draft). With SPEC_DECODE_MODEL=<dir> it is a saved model
// instead (`saveModel`, or a training checkpoint), e.g. one trained by examples/self-speculative, decoding the
// prompts of <dir>/prompts.json (`{ maxNewTokens, prompts }`, which that example writes beside each model).

const TARGET = {
  vocabSize: 16,
  contextLength: 64,
  dModel: 64,
  nLayers: 4,
  nHeads: 4,
  heads: { count: 4, type: 'transformer' as const },
};
const DRAFT = {
  ...TARGET,
  dModel: 32,
  nLayers: 1,
  nHeads: 2,
  heads: { count: 1, type: 'transformer' as const },
};

type Decode = (prompt: number[]) => { tokens: number[]; stats?: SpeculativeStats };

interface Measured {
  ms: number;
  tokens: number[][];
  stats: SpeculativeStats[];
}

// Decodes every prompt one at a time (batch 1, as the paper's per-sequence tokens per forward) with each decoder:
// one warm-up pass each, then `repeats` rounds that time one pass of every decoder in turn, so that a slow spell
// of a busy machine falls on all of them alike. The median pass of each.
function measureInterleaved(decoders: Decode[], prompts: number[][], repeats: number): Measured[] {
  const last = decoders.map((decode) => prompts.map(decode));
  const times = decoders.map((): number[] => []);
  for (let r = 0; r < repeats; r++) {
    for (const [i, decode] of decoders.entries()) {
      const start = performance.now();
      last[i] = prompts.map(decode);
      times[i]?.push(performance.now() - start);
    }
  }
  return decoders.map((_, i) => ({
    ms: median(times[i] ?? []),
    tokens: (last[i] ?? []).map((result) => result.tokens),
    stats: (last[i] ?? []).flatMap((result) => (result.stats ? [result.stats] : [])),
  }));
}

function summed(stats: SpeculativeStats[]) {
  const target = stats.reduce((n, s) => n + s.forwards.target, 0);
  const draft = stats.reduce((n, s) => n + s.forwards.draft, 0);
  const tokens = stats.reduce((n, s) => n + s.tokens, 0);
  const lengths = stats.reduce<number[]>((sum, s) => s.acceptedLengths.map((n, j) => n + (sum[j] ?? 0)), []);
  return { target, draft, tokens, lengths };
}

/** The model decoded, its prompts and (for the built-in model) a draft model. */
interface Subject {
  target: TransformerModel;
  draft?: TransformerModel;
  prompts: number[][];
  maxNewTokens: number;
  description: string;
}

// The built-in subject: a cycle model and a draft model trained here, so the bench runs without any input.
async function trainedSubject(quick: boolean, log: BenchContext['log']): Promise<Subject> {
  const steps = quick ? 40 : 400;
  log(`training the target and the draft model for ${steps} steps each`);
  const target = await trainedCycleModel({ config: TARGET, seed: 1, steps });
  const draft = await trainedCycleModel({ config: DRAFT, seed: 2, steps });
  return {
    target,
    draft,
    prompts: Array.from({ length: quick ? 3 : 12 }, (_, i) => cycleSequence(i, 4, TARGET.vocabSize)),
    maxNewTokens: quick ? 16 : TARGET.contextLength - 4 + 1,
    description: `Target: V = ${TARGET.vocabSize}, d = ${TARGET.dModel}, ${TARGET.nLayers} layers (3 trunk blocks + 4 transformer heads), trained ${steps} steps on a cycle with 20% jumps; draft model: 1 block, d = 32, same data.`,
  };
}

// A saved model with the prompts stored beside it; without prompts.json, 12 seeded random 4-token prompts that
// fill the context.
async function savedSubject(dir: string, quick: boolean, log: BenchContext['log']): Promise<Subject> {
  log(`loading the model in ${dir}`);
  const target = await loadModel(dir);
  const { vocabSize, contextLength, dModel, nLayers, heads } = target.config;
  const stored = await readFile(join(dir, 'prompts.json'), 'utf8').catch(() => undefined);
  const random = seededRandom(1);
  const given: { prompts: number[][]; maxNewTokens: number } = stored
    ? JSON.parse(stored)
    : {
        prompts: Array.from({ length: 12 }, () =>
          Array.from({ length: 4 }, () => Math.floor(random() * vocabSize)),
        ),
        maxNewTokens: contextLength - 4 + 1,
      };
  return {
    target,
    prompts: given.prompts.slice(0, quick ? 3 : undefined),
    maxNewTokens: given.maxNewTokens,
    description: `Target: the model in ${dir} (V = ${vocabSize}, d = ${dModel}, ${nLayers} layers, ${heads.count} ${heads.type} heads), prompts ${stored ? 'from its prompts.json' : 'drawn at random'}.`,
  };
}

export default async function speculativeBench({ quick, log }: BenchContext): Promise<BenchReport> {
  const info = await initBackend();
  log(describeBackend(info));
  const saved = process.env.SPEC_DECODE_MODEL;
  const { target, draft, prompts, maxNewTokens, description } = saved
    ? await savedSubject(saved, quick, log)
    : await trainedSubject(quick, log);
  const repeats = quick ? 1 : 5;

  const ks = Array.from({ length: Math.min(4, target.config.heads.count) }, (_, i) => i + 1);
  const drafters: Array<[string, Drafter]> = ks.map((heads) => [`self-speculative, k = ${heads}`, { heads }]);
  if (draft) drafters.push(['draft model (1 block, d = 32), γ = 3', { model: draft, tokens: 3 }]);
  log(`timing generate and ${drafters.length} speculative decoders, interleaved, ${repeats} rounds`);
  const [plain, ...runs] = measureInterleaved(
    [
      (prompt) => ({ tokens: generate(target, prompt, { maxNewTokens, temperature: 0 }) }),
      ...drafters.map(
        ([, drafter]): Decode =>
          (prompt) =>
            speculativeGenerate(target, prompt, { maxNewTokens, temperature: 0, drafter }),
      ),
    ],
    prompts,
    repeats,
  ) as [Measured, ...Measured[]];
  const plainForwards = prompts.length * maxNewTokens; // generate: one forward per token
  const rows: BenchReport['rows'] = [
    {
      decoder: 'generate (KV-cached greedy)',
      ms: plain.ms,
      speedup: 1,
      tokensPerForward: 1,
      targetForwards: plainForwards,
      draftForwards: 0,
      msPerTargetForward: plain.ms / plainForwards,
      acceptedLengths: '—',
      identical: true,
    },
  ];
  for (const [i, [name]] of drafters.entries()) {
    const run = runs[i] as Measured;
    const total = summed(run.stats);
    rows.push({
      decoder: name,
      ms: run.ms,
      speedup: plain.ms / run.ms,
      tokensPerForward: total.tokens / total.target,
      targetForwards: total.target,
      draftForwards: total.draft,
      msPerTargetForward: run.ms / total.target,
      acceptedLengths: total.lengths.slice(1).join('/'),
      identical: JSON.stringify(run.tokens) === JSON.stringify(plain.tokens),
    });
  }
  target.dispose();
  draft?.dispose();
  return {
    title: 'Speculative greedy decoding vs KV-cached greedy generate',
    rows,
    notes: [
      `${describeBackend(info)}. ${description}`,
      `${prompts.length} prompts of ${prompts[0]?.length ?? 0} tokens, ${maxNewTokens} new tokens each, decoded one prompt at a time; ms is the median of ${repeats} passes over all prompts, the decoders timed in turn in each round after a warm-up pass each.`,
      'tokensPerForward counts the prompt forward (which gives one token), so k heads give at most k and a long generation approaches k only as the prompt forward is amortised. acceptedLengths lists how many forwards gained 1/2/… tokens.',
      'Speedup ≈ tokensPerForward × (msPerTargetForward of generate / msPerTargetForward of the decoder). A speculative forward costs more than a plain one: every transformer head is a block that must run at every fed position (its own KV cache needs them), so k heads over up to k positions cost about (3 trunk blocks + k head blocks) × k positions against 4 blocks × 1 position, plus k unembeddings; the cache rollback (one slice per layer) and the JavaScript-side verification add a little. identical says whether the tokens equal generate’s.',
    ],
  };
}
