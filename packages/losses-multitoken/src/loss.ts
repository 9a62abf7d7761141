import { crossEntropy } from '@beyond-ntp/transformer-core';
import * as tf from '@tensorflow/tfjs-core';
import { type BatchTensors, batchTensors, type MultiTokenBatch } from './batch.js';
import { MultiTokenArgumentError } from './errors.js';
import { checkHeads, checkPadId, checkWeights } from './objective.js';
import { type HeadTargets, headTargets } from './targets.js';

/** Options of {@link multiTokenLoss}. */
export interface MultiTokenLossOptions {
  /** Logits `[B, T, V]` of each head, `logits[j]` of head `heads[j]` (e.g. `model.forward`'s, same order). */
  logits: tf.Tensor3D[];
  /** The window the logits were computed on: its ids (and mask) give every head's targets. */
  batch: MultiTokenBatch;
  /**
   * Head index of each logits tensor: head i predicts the token i + 1 positions ahead.
   * @default `[0, 1, …, logits.length − 1]`
   */
  heads?: number[];
  /**
   * Weight of each head's loss, `weights[j]` for `heads[j]`: finite and ≥ 0.
   * @default 1 for every head
   */
  weights?: number[];
  /** Targets equal to this token id are not scored (padding). */
  padId?: number;
}

/**
 * The n-token loss of Gloeckle et al. (2024): a sum over heads of each head's mean cross-entropy,
 *
 *     L   = Σ_j w_j · L_{h_j}
 *     L_i = Σ_{b,t} m_i[b,t] · CE_i[b,t]  /  Σ_{b,t} m_i[b,t]        (0 when no position is scored)
 *     CE_i[b,t] = logSumExp(logits_i[b,t,:]) − logits_i[b,t, ids[b][t+1+i]]
 *
 * where m_i is the position weight of {@link multiTokenTargets} (0 past the window, on padding and where the
 * batch mask drops the target). Each head is normalised by its own count of scored positions, so with one head
 * this is the usual next-token mean cross-entropy, and with n heads and no padding L is n next-token-sized terms
 * (the paper's Σ_t Σ_i −log P(x_{t+i} | x_{≤t}) up to one normalisation per head: head i has T − 1 − i scored
 * positions per row, not T − 1).
 *
 * @throws {MultiTokenArgumentError} for logits that are not `[B, T, V]` tensors of the batch's B and T with one
 * V, and for invalid `heads`, `weights`, `padId` or batch.
 */
export function multiTokenLoss(options: MultiTokenLossOptions): tf.Scalar {
  const { logits, batch, padId } = options;
  if (!Array.isArray(logits) || logits.length === 0) {
    throw new MultiTokenArgumentError('logits', 'expected a non-empty array of [B, T, V] tensors');
  }
  const vocabSize = logits[0] instanceof tf.Tensor ? (logits[0].shape[2] ?? 0) : 0;
  const heads = options.heads ?? logits.map((_, j) => j);
  checkHeads(heads);
  if (heads.length !== logits.length) {
    throw new MultiTokenArgumentError(
      'heads',
      `expected one head index per logits tensor (${logits.length}), got ${heads.length}`,
    );
  }
  const weights = checkWeights(options.weights, heads.length);
  checkPadId(padId, vocabSize);
  const tensors = batchTensors(batch, vocabSize);
  try {
    const [B, T] = tensors.ids.shape;
    logits.forEach((l, j) => {
      if (!(l instanceof tf.Tensor) || !tf.util.arraysEqual(l.shape, [B, T, vocabSize])) {
        const got = l instanceof tf.Tensor ? `[${l.shape}]` : String(l);
        throw new MultiTokenArgumentError(
          `logits[${j}]`,
          `expected [${B}, ${T}, ${vocabSize}] (the batch's B and T, one vocabulary), got ${got}`,
        );
      }
    });
    return summedHeadLosses({
      batch: tensors,
      heads,
      weights,
      padId,
      logitsOf: (j) => logits[j] as tf.Tensor3D,
    });
  } finally {
    tf.dispose(tensors.owned);
  }
}

/** Options of {@link summedHeadLosses}: the scored heads (as a resolved objective has them) and their logits. */
export interface SummedHeadLossesOptions {
  /** The batch, as tensors. */
  batch: BatchTensors;
  /** Head indices. */
  heads: number[];
  /** `weights[j]` weighs `heads[j]`. */
  weights: number[];
  /** Targets equal to this id are not scored. */
  padId: number | undefined;
  /** The logits of `heads[j]`. */
  logitsOf: (j: number) => tf.Tensor3D;
}

/** Σ_j w_j · L_{heads[j]}: the n-token loss of {@link multiTokenLoss}. */
export function summedHeadLosses(options: SummedHeadLossesOptions): tf.Scalar {
  const { batch, heads, weights, padId, logitsOf } = options;
  return tf.tidy(() =>
    tf.addN(
      heads.map((head, j) => headLoss(logitsOf(j), headTargets(batch, head, padId), weights[j] as number)),
    ),
  ) as tf.Scalar;
}

/** w · L_i: the weighted mean cross-entropy of one head over its scored positions. */
export function headLoss(logits: tf.Tensor3D, targets: HeadTargets, weight: number): tf.Scalar {
  return tf.tidy(() => {
    const mean = crossEntropy(logits, targets.targets, { mask: targets.mask });
    return weight === 1 ? mean : tf.mul(mean, weight);
  });
}
