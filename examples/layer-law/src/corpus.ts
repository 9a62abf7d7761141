import { generateInduction } from '@beyond-ntp/synth-tasks';
import { type Tokenizer, trainBpe } from '@beyond-ntp/tokenizer';
import { KitError } from '@beyond-ntp-examples/kit';
import { Tiktoken } from 'js-tiktoken/lite';
import gpt2 from 'js-tiktoken/ranks/gpt2';

/** What text the models learn and are probed on. */
export interface CorpusPlan {
  /** Stories the tokenizer is trained on and the models train on (one fixed set, the same for every seed). */
  trainStories: number;
  /** Further stories, never trained on, whose tokens are the probe's samples. */
  probeStories: number;
  /** Size of the byte-level BPE vocabulary trained on the training stories (special tokens included). */
  vocabSize: number;
  /** Tokens per window (the model's context). */
  contextLength: number;
  /** Windows of the probe set: consecutive, non-overlapping cuts of the probe stories' token stream. */
  probeWindows: number;
}

/** The tokenized corpus of a {@link CorpusPlan}. */
export interface Corpus {
  /** The tokenizer's vocabulary size. */
  vocabSize: number;
  /** Id of `<eos>`, which ends every story in the token streams. */
  eosId: number;
  /** The training stories as one token stream, `<eos>` after each. */
  train: Int32Array;
  /** The probe set: `probeWindows` windows of `contextLength` tokens. */
  probe: number[][];
}

/** Seeds of the story grammar: one for the training stories, another for the probe stories. */
const TRAIN_SEED = 1;
const PROBE_SEED = 2;
const SPECIAL_TOKENS = ['<pad>', '<eos>'];

/**
 * Children's stories from synth-tasks' small probabilistic grammar (templates filled from word lists, with random
 * two-token names under GPT-2's tokenizer, which the generator needs to check), tokenized by a byte-level BPE
 * trained on the training stories. Each story ends in `<eos>`; the stories are concatenated into one stream.
 *
 * @throws {KitError} `INVALID_ARGUMENT` when the probe stories have fewer than `probeWindows · contextLength` tokens.
 */
export function buildCorpus(plan: CorpusPlan): Corpus {
  const gpt2Tokenizer = new Tiktoken(gpt2);
  const stories = (seed: number, count: number) =>
    generateInduction({ seed, count, tokenizer: gpt2Tokenizer })
      .map((story) => `${story.text}<eos>`)
      .join('');
  const trainText = stories(TRAIN_SEED, plan.trainStories);
  const bpe = trainBpe(trainText, { vocabSize: plan.vocabSize, specialTokens: SPECIAL_TOKENS });
  const probeStream = encode(bpe, stories(PROBE_SEED, plan.probeStories));
  const { contextLength: T, probeWindows } = plan;
  if (probeStream.length < probeWindows * T) {
    throw new KitError(
      'INVALID_ARGUMENT',
      'corpus.probeStories',
      `${plan.probeStories} probe stories give ${probeStream.length} tokens, fewer than probeWindows × contextLength = ${probeWindows * T}; raise probeStories`,
    );
  }
  return {
    vocabSize: bpe.vocabSize,
    eosId: bpe.tokenToId('<eos>') as number,
    train: encode(bpe, trainText),
    probe: Array.from({ length: probeWindows }, (_, w) =>
      Array.from(probeStream.subarray(w * T, (w + 1) * T)),
    ),
  };
}

function encode(bpe: Tokenizer, text: string): Int32Array {
  return Int32Array.from(bpe.encode(text));
}

// The corpus is deterministic and shared by every run of a plan, so each process builds it once.
const built = new Map<string, Corpus>();

/** {@link buildCorpus}, memoised per plan. */
export function corpusFor(plan: CorpusPlan): Corpus {
  const key = JSON.stringify(plan);
  let corpus = built.get(key);
  if (corpus === undefined) {
    corpus = buildCorpus(plan);
    built.set(key, corpus);
  }
  return corpus;
}
