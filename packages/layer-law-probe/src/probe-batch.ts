import { invalidInput } from './errors.js';
import { type ProbeTarget, TARGET_OFFSETS } from './targets.js';

/** One batch of B sequences of T tokens for {@link LayerProbe.add}, from any model. */
export interface ProbeBatch {
  /**
   * One entry per hidden-state layer (the probe's `layers`, embedding output first): the states `[B, T, d]`,
   * row-major, as `tensor.dataSync()` returns them, or a plain array.
   */
  hiddenStates: ArrayLike<number>[];
  /** The token ids `[B][T]` at the same positions: the targets are read from them. */
  ids: ArrayLike<number>[];
  /**
   * `[B][T]`, 1 for a token and 0 for padding: padded positions are neither samples nor targets.
   * @default every position is a token
   */
  mask?: ArrayLike<number>[];
}

/**
 * Which positions of a batch are samples: `positions` lists the flat indices b·T + j that are a sample of at
 * least one target, and `targetIds[t][r]` is target t's token id for `positions[r]`, or −1 when that position is
 * not a sample of target t (its token is outside the sequence or padding).
 */
export interface SamplePlan {
  positions: Int32Array;
  targetIds: Int32Array[];
}

/** Largest token id accepted: ids are kept in Int32Arrays. */
const MAX_ID = 2 ** 31 - 1;

/**
 * Checks a batch against the probe's shape (every problem is found before anything is accumulated, so a
 * rejected batch leaves the probe unchanged) and lists its samples.
 *
 * @throws {LayerLawError} `INVALID_INPUT` naming `hiddenStates`, `hiddenStates[l]`, `ids`, `ids[b][j]` or `mask`.
 */
export function planBatch(
  batch: ProbeBatch,
  shape: { layers: number; dModel: number; targets: readonly ProbeTarget[] },
): SamplePlan {
  const { ids, mask, hiddenStates } = batch;
  if (!Array.isArray(ids) || ids.length === 0)
    throw invalidInput('ids', 'must be a non-empty [B][T] array of token ids');
  const B = ids.length;
  const T = ids[0]?.length ?? 0;
  if (T === 0 || ids.some((row) => row?.length !== T)) {
    throw invalidInput('ids', `rows must be non-empty and of equal length (row 0 has ${T})`);
  }
  if (
    mask !== undefined &&
    (!Array.isArray(mask) || mask.length !== B || mask.some((row) => row?.length !== T))
  ) {
    throw invalidInput('mask', `must be [B][T] like ids, [${B}][${T}]`);
  }
  const isToken = (b: number, j: number) => mask === undefined || (mask[b] as ArrayLike<number>)[j] === 1;
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < T; j++) {
      const flag = mask?.[b]?.[j];
      if (flag !== undefined && flag !== 0 && flag !== 1)
        throw invalidInput(`mask[${b}][${j}]`, `must be 0 or 1 (got ${flag})`);
      const id = (ids[b] as ArrayLike<number>)[j] as number;
      if (isToken(b, j) && !(Number.isInteger(id) && id >= 0 && id <= MAX_ID)) {
        throw invalidInput(`ids[${b}][${j}]`, `must be a token id, an integer in [0, ${MAX_ID}] (got ${id})`);
      }
    }
  }
  if (!Array.isArray(hiddenStates) || hiddenStates.length !== shape.layers) {
    throw invalidInput(
      'hiddenStates',
      `must hold one array per layer, ${shape.layers} (got ${hiddenStates?.length})`,
    );
  }
  const expected = B * T * shape.dModel;
  hiddenStates.forEach((states, l) => {
    if (states?.length !== expected) {
      throw invalidInput(
        `hiddenStates[${l}]`,
        `must hold B·T·d = ${B}·${T}·${shape.dModel} = ${expected} numbers, [B, T, d] row-major (got ${states?.length})`,
      );
    }
  });

  const offsets = shape.targets.map((target) => TARGET_OFFSETS[target]);
  const positions: number[] = [];
  const targetIds: number[][] = offsets.map(() => []);
  for (let b = 0; b < B; b++) {
    const row = ids[b] as ArrayLike<number>;
    for (let j = 0; j < T; j++) {
      if (!isToken(b, j)) continue;
      const targets = offsets.map((o) =>
        j + o >= 0 && j + o < T && isToken(b, j + o) ? (row[j + o] as number) : -1,
      );
      if (targets.every((id) => id < 0)) continue;
      positions.push(b * T + j);
      targets.forEach((id, t) => {
        targetIds[t]?.push(id);
      });
    }
  }
  checkFinite(hiddenStates, positions, shape.dModel, T);
  return { positions: Int32Array.from(positions), targetIds: targetIds.map((list) => Int32Array.from(list)) };
}

function checkFinite(hiddenStates: ArrayLike<number>[], positions: number[], d: number, T: number): void {
  hiddenStates.forEach((states, l) => {
    for (const p of positions) {
      for (let i = p * d; i < p * d + d; i++) {
        if (!Number.isFinite(states[i])) {
          throw invalidInput(
            `hiddenStates[${l}]`,
            `the state of sequence ${Math.floor(p / T)}, position ${p % T} has ${states[i]} at feature ${i - p * d}; states must be finite`,
          );
        }
      }
    }
  });
}
