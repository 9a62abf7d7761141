import { Rng } from '@beyond-ntp/synth-tasks';
import {
  chooseOrder,
  describeOrder,
  encodeTargets,
  type TargetData,
  type TargetOrder,
  type TargetSample,
} from '@beyond-ntp/target-reorder-mi';

/** The families of emission orders compared. */
export type OrderKind = 'plain' | 'reverse' | 'mi-chain' | 'mi-sum' | 'random';

/** An emission order under the name the experiment uses for it. */
export interface NamedOrder {
  /** The order family. */
  kind: OrderKind;
  /** The order and what produced it (strategy, estimator, source). */
  order: TargetOrder;
  /** One line: strategy, provenance and positions, e.g. `max-mi-chain (whole input, plug-in): 2 1 3 0`. */
  description: string;
}

/** Estimator of every MI-chosen order: plug-in on the training samples (the true distribution is unknown). */
export const ORDER_ESTIMATOR = 'plug-in';

/** Options of {@link chooseOrders}. */
export interface ChooseOrdersOptions {
  /** Training samples as source → target (answer digits, or label presence flags). */
  samples: readonly TargetSample[];
  /** The families wanted, in the order returned. */
  kinds: readonly OrderKind[];
  /** Seed of the random control's draw, so it is the same order on every run. */
  controlSeed: string;
}

/**
 * The emission orders of an experiment, computed from the training samples by target-reorder-mi:
 * - `plain`: natural order; `reverse`: last position first (least significant digit first);
 * - `mi-chain`: `max-mi-chain` with the whole input as source, i.e. the position with the highest
 *   I(S; t | targets already emitted), which for a deterministic answer is H(t | emitted);
 * - `mi-sum`: `max-mi-greedy` over single source tokens: positions sorted by Σ_j I(s_j; tᵢ), each source token
 *   taken alone (on 2×2 multiplication the single most informative token, b's units digit, alone gives the
 *   reverse order, which is already a condition);
 * - `random`: the control — a fixed permutation drawn uniformly among those that are none of the other
 *   orders, so "any non-plain order helps" can be told apart from "the MI order helps".
 */
export function chooseOrders(options: ChooseOrdersOptions): NamedOrder[] {
  const { samples, kinds, controlSeed } = options;
  const data = encodeTargets({ samples });
  const length = data.target.length;
  const chosen = new Map<OrderKind, TargetOrder>();
  for (const kind of kinds) {
    if (kind !== 'random') chosen.set(kind, namedOrder(kind, data));
  }
  if (kinds.includes('random'))
    chosen.set('random', randomControl(length, [...chosen.values()], controlSeed));
  return kinds.map((kind) => {
    const order = chosen.get(kind) as TargetOrder;
    return { kind, order, description: describeOrder(order) };
  });
}

function namedOrder(kind: Exclude<OrderKind, 'random'>, data: TargetData): TargetOrder {
  const length = data.target.length;
  switch (kind) {
    case 'plain':
    case 'reverse':
      return chooseOrder({ strategy: kind, length });
    case 'mi-chain':
      return chooseOrder({ strategy: 'max-mi-chain', data, source: 'whole', estimator: ORDER_ESTIMATOR });
    case 'mi-sum':
      return chooseOrder({ strategy: 'max-mi-greedy', data, source: 'sum', estimator: ORDER_ESTIMATOR });
  }
}

function randomControl(length: number, others: readonly TargetOrder[], seed: string): TargetOrder {
  const taken = new Set(others.map((o) => o.positions.join(',')));
  taken.add(Array.from({ length }, (_, i) => i).join(','));
  taken.add(Array.from({ length }, (_, i) => length - 1 - i).join(','));
  const rng = new Rng(seed);
  // Rejection sampling from uniform shuffles: uniform over the permutations not taken.
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const positions = rng.shuffle(Array.from({ length }, (_, i) => i));
    if (!taken.has(positions.join(','))) {
      return chooseOrder({ strategy: 'custom', positions, name: `random control, seed ${seed}` });
    }
  }
  throw new RangeError(`no permutation of ${length} positions is left for the random control`);
}
