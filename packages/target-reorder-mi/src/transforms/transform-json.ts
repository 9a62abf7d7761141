import { shown } from '../errors.js';
import {
  checkPermutation,
  ORDER_STRATEGIES,
  type OrderStrategy,
  type TargetOrder,
} from '../targets/choose-order.js';
import { checkSourceDefinition } from '../targets/source-definition.js';
import { invalidJson, readArray, readNullable, readNumber, readObject, readString } from './json-fields.js';

/** The `format` tag of every serialised transform. */
export const TRANSFORM_FORMAT = '@beyond-ntp/target-reorder-mi/transform';

/** The serialisation version this package writes and reads. */
export const TRANSFORM_VERSION = 1;

/** The kinds of reversible transform. */
export type TransformKind = 'digit-permutation' | 'label-order' | 'sentence-start';

/** Fields every serialised transform starts with. */
export interface TransformJsonHeader<K extends TransformKind> {
  /** Always {@link TRANSFORM_FORMAT}. */
  format: typeof TRANSFORM_FORMAT;
  /** Always {@link TRANSFORM_VERSION}. */
  version: typeof TRANSFORM_VERSION;
  /** Which transform this is. */
  kind: K;
}

/**
 * A transform that maps a target to the order a model is trained on and back. `invert(apply(x))` equals `x`
 * for every valid `x`; both throw a `TargetReorderError` (code `INVALID_INPUT`) naming the input at fault.
 * `toJSON()` gives plain data that {@link transformFromJSON} restores, so a transform can be stored beside a
 * model checkpoint and a trained model always decodes through the right `invert`.
 */
export interface ReversibleTransform<T, J extends TransformJsonHeader<TransformKind>> {
  /** Which transform this is. */
  readonly kind: J['kind'];
  /** Natural target → training target. */
  apply(value: T): T;
  /** Training target (or a model's output) → natural target. */
  invert(value: T): T;
  /** Plain, JSON-safe description; `JSON.stringify(transform)` uses it. */
  toJSON(): J;
}

/** The header of a transform of kind `kind`. */
export function header<K extends TransformKind>(kind: K): TransformJsonHeader<K> {
  return { format: TRANSFORM_FORMAT, version: TRANSFORM_VERSION, kind };
}

/** Validates a serialised {@link TargetOrder} (the provenance stored with digit and label orders). */
export function readTargetOrder(value: unknown, path: string, length?: number): TargetOrder {
  const json = readObject(value, path);
  const positions = checkPermutation(json.positions, `${path}.positions`, length, invalidJson);
  const strategy = json.strategy;
  if (!ORDER_STRATEGIES.includes(strategy as OrderStrategy)) {
    throw invalidJson(
      `${path}.strategy`,
      `must be one of ${ORDER_STRATEGIES.join(', ')} (got ${shown(strategy)})`,
    );
  }
  const scores = readNullable(json.scores, `${path}.scores`, (v, p) => readArray(v, p, readNumber));
  if (scores !== null && scores.length !== positions.length) {
    throw invalidJson(
      `${path}.scores`,
      `has ${scores.length} entries but there are ${positions.length} positions`,
    );
  }
  return {
    positions,
    strategy: strategy as OrderStrategy,
    estimator: readNullable(json.estimator, `${path}.estimator`, readString),
    source: readNullable(json.source, `${path}.source`, (v, p) =>
      checkSourceDefinition(v, p, undefined, invalidJson),
    ),
    scores,
    name: readNullable(json.name, `${path}.name`, readString),
  };
}

/** A plain copy of an order, for JSON. */
export function orderJson(order: TargetOrder): TargetOrder {
  return {
    positions: [...order.positions],
    strategy: order.strategy,
    estimator: order.estimator,
    source: order.source === null || typeof order.source === 'string' ? order.source : { ...order.source },
    scores: order.scores === null ? null : [...order.scores],
    name: order.name,
  };
}

const KINDS: readonly TransformKind[] = ['digit-permutation', 'label-order', 'sentence-start'];

/** The root path named in errors about serialised transforms. */
export const ROOT = 'transform';

/**
 * Parses (when given a string) and checks the header of a serialised transform; with `kind`, also that it is
 * that kind. Returns the object and its kind.
 */
export function readTransformJson(
  json: unknown,
  kind?: TransformKind,
): { object: Record<string, unknown>; kind: TransformKind } {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw invalidJson(
        ROOT,
        `is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
  const object = readObject(value, ROOT);
  if (object.format !== TRANSFORM_FORMAT) {
    throw invalidJson(`${ROOT}.format`, `must be ${shown(TRANSFORM_FORMAT)} (got ${shown(object.format)})`);
  }
  if (object.version !== TRANSFORM_VERSION) {
    throw invalidJson(
      `${ROOT}.version`,
      `must be ${TRANSFORM_VERSION}; this package reads version ${TRANSFORM_VERSION} only (got ${shown(object.version)})`,
    );
  }
  const found = object.kind as TransformKind;
  if (!KINDS.includes(found) || (kind !== undefined && found !== kind)) {
    const allowed = kind === undefined ? KINDS.join(', ') : shown(kind);
    throw invalidJson(`${ROOT}.kind`, `must be ${allowed} (got ${shown(object.kind)})`);
  }
  return { object, kind: found };
}
