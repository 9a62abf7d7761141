// What `generate` decodes from: a batch of prompts, token ids or input embeddings, laid out with left padding,
// and the generated tokens appended to it. It hands out any range of columns as model input, so the decoder can
// feed one new column per step or, when the context window slides, the whole visible window again.
import * as tf from '@tensorflow/tfjs-core';
import { type AttentionMaskInput, readAttentionMask } from './batch-inputs.js';
import { checkStates, checkTokenIds, invalidInput } from './input-checks.js';
import type { ForwardInput, TransformerModel } from './model.js';

/** A prompt given as input embeddings (e.g. continuous thoughts), for `generate`. */
export interface EmbeddingsPrompt {
  /** `[B, P, dModel]` float32, used in place of token embeddings (learned positions are still added). Not disposed. */
  inputsEmbeds: tf.Tensor3D;
  /**
   * `[B, P]`: which prompt positions are real (1) or left padding (0); each row is 0s then at least one 1.
   * @default undefined (no padding)
   */
  attentionMask?: AttentionMaskInput;
}

/** A prompt of `generate`: one row of token ids, a batch of rows (any lengths), or input embeddings. */
export type GeneratePrompt = number[] | number[][] | EmbeddingsPrompt;

/** The prompt batch in left-padded columns `[0, width)`, followed by the columns of generated tokens. */
export class PromptSource {
  /** Padding columns before each row's first token. */
  readonly pads: number[];
  /** Width of the padded prompt. */
  readonly width: number;
  private readonly ids?: number[][];
  private readonly embeds?: tf.Tensor3D;

  /** Validates `prompt` against `model`; token rows are left-padded with id 0 (masked out). */
  constructor(
    private readonly model: TransformerModel,
    prompt: GeneratePrompt,
  ) {
    if (!Array.isArray(prompt)) {
      this.embeds = prompt.inputsEmbeds;
      [this.pads, this.width] = readEmbeddings(model, prompt);
      return;
    }
    const rows = isSingle(prompt) ? [prompt] : prompt;
    if (rows.length === 0) invalidInput('generate: prompt must hold at least one row');
    for (const [b, row] of rows.entries()) {
      if (!Array.isArray(row) || row.length === 0) {
        invalidInput(
          rows.length === 1
            ? 'generate: prompt must hold at least one token id'
            : `generate: prompt row ${b} must hold at least one token id`,
        );
      }
    }
    checkTokenIds(rows.flat(), model.config.vocabSize, 'generate: ');
    this.width = Math.max(...rows.map((row) => row.length));
    this.pads = rows.map((row) => this.width - row.length);
    this.ids = rows.map((row, b) => [...new Array<number>(this.pads[b] ?? 0).fill(0), ...row]);
  }

  /**
   * Model input for columns `[from, to)` of prompt + `generated` (one array of fed tokens per row, all of the
   * same length), and a function that frees what it created.
   */
  columns(from: number, to: number, generated: number[][]): { input: ForwardInput; dispose: () => void } {
    const P = this.width;
    if (this.ids) {
      const ids = this.ids.map((row, b) => [...row, ...(generated[b] ?? [])].slice(from, to));
      return { input: ids, dispose: () => {} };
    }
    const embeds = this.embeds as tf.Tensor3D;
    const inputsEmbeds = tf.tidy(() => {
      const [B, , d] = embeds.shape;
      const parts: tf.Tensor3D[] = [];
      if (from < P) parts.push(tf.slice(embeds, [0, from, 0], [B, P - from, d]));
      if (to > P)
        parts.push(this.model.embed(generated.map((row) => row.slice(Math.max(from, P) - P, to - P))));
      return parts.length === 1 ? (parts[0] as tf.Tensor3D) : (tf.concat(parts, 1) as tf.Tensor3D);
    });
    // A slice of the whole prompt is the caller's tensor itself (tfjs returns its input): not ours to dispose.
    return { input: { inputsEmbeds }, dispose: () => inputsEmbeds !== embeds && inputsEmbeds.dispose() };
  }
}

function isSingle(prompt: number[] | number[][]): prompt is number[] {
  return prompt.length === 0 || !Array.isArray(prompt[0]);
}

// [pads, width] of an embeddings prompt, whose mask must be left padding.
function readEmbeddings(model: TransformerModel, prompt: EmbeddingsPrompt): [number[], number] {
  const [B, P] = checkStates(prompt.inputsEmbeds, model.config.dModel, 'generate: prompt.inputsEmbeds');
  if (prompt.attentionMask === undefined) return [new Array<number>(B).fill(0), P];
  const mask = readAttentionMask(prompt.attentionMask, {
    rows: B,
    columns: P,
    columnsMean: 'B rows, P prompt positions',
  });
  const pads = mask.map((row, b) => {
    const pad = row.indexOf(1);
    if (pad < 0 || row.slice(pad).includes(0)) {
      invalidInput(
        `generate: prompt.attentionMask row ${b} must be left padding: 0s, then at least one 1, and no 0 after a 1`,
      );
    }
    return pad;
  });
  return [pads, P];
}
