import { join } from 'node:path';
import { loadTokenizer } from '@beyond-ntp/tokenizer';
import { generate, listCheckpoints, loadModel } from '@beyond-ntp/transformer-core';
import { KitError } from '@beyond-ntp-examples/kit';
import type { SampleArgs } from './cli.js';
import { UNKNOWN } from './tokenizer-choice.js';
import { RUN_FILES } from './train-command.js';

/** What `sample` produced. */
export interface Sample {
  /** The checkpoint's step. */
  step: number;
  /** The start text as the model saw it (its last `contextLength` tokens). */
  prompt: string;
  /** The generated continuation. */
  text: string;
  /** Token ids generated. */
  tokens: number;
}

/**
 * `sample <run dir>`: loads the tokenizer saved beside the checkpoints and the model of the latest (or `--step`)
 * checkpoint, and continues the start text token by token. Past the context length each token is conditioned on
 * the last `contextLength` tokens only (`generate`'s `slideWindow`). The same seed, checkpoint and flags give the
 * same text.
 */
export async function sampleCommand(args: SampleArgs): Promise<Sample> {
  const tokenizer = await loadTokenizer(join(args.run, RUN_FILES.tokenizer));
  const model = await loadModel(args.run, args.step === undefined ? {} : { step: args.step });
  try {
    const ids = tokenizer.encode(args.start, { specialTokens: 'as-text' });
    const unknown = tokenizer.tokenToId(UNKNOWN);
    if (unknown !== undefined && ids.includes(unknown)) {
      const unseen = [...new Set([...args.start].filter((c) => tokenizer.tokenToId(c) === undefined))];
      throw new KitError(
        'USAGE',
        '--start',
        `has characters the training text never had (${unseen.map((c) => JSON.stringify(c)).join(', ')}); ` +
          'the model cannot read them',
      );
    }
    const prompt = ids.slice(-model.config.contextLength);
    const generated = generate(model, prompt, {
      maxNewTokens: args.tokens,
      temperature: args.temperature,
      topP: args.topP,
      seed: args.seed,
      slideWindow: true,
      ...(args.topK === undefined ? {} : { topK: args.topK }),
    });
    return {
      step: args.step ?? Math.max(...(await listCheckpoints(args.run))),
      prompt: tokenizer.decode(prompt),
      text: tokenizer.decode(generated),
      tokens: generated.length,
    };
  } finally {
    model.dispose();
  }
}
