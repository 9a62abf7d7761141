import { invalidInput, invalidOption, shown, type TargetReorderError } from '../errors.js';
import type { TargetOrder } from '../targets/choose-order.js';
import { invalidJson, readArray, readString } from './json-fields.js';
import { type OrderInput, toTargetOrder } from './order-input.js';
import {
  header,
  orderJson,
  type ReversibleTransform,
  ROOT,
  readTargetOrder,
  readTransformJson,
  type TransformJsonHeader,
} from './transform-json.js';

/** Serialised {@link LabelOrder}. */
export interface LabelOrderJSON extends TransformJsonHeader<'label-order'> {
  /** The label space in canonical order; order positions index it. */
  labels: string[];
  /** The emission order of the labels and how it was chosen. */
  order: TargetOrder;
}

/** Options of {@link LabelOrder}. */
export interface LabelOrderOptions {
  /** Every label, in canonical order (e.g. synth-tasks' `MULTILABEL_LABELS`); names must be unique. */
  labels: readonly string[];
  /**
   * The emission order: from {@link chooseOrder} on per-label presence targets (position i = `labels[i]`),
   * bare positions, or the label names in emission order.
   */
  order: OrderInput | readonly string[];
}

/** Checks a list of distinct label names; `fail` builds the error naming `field[k]`. */
function checkLabels(
  labels: unknown,
  field: string,
  fail: (field: string, message: string) => TargetReorderError,
): string[] {
  if (!Array.isArray(labels) || labels.length === 0) {
    throw fail(field, `must be a non-empty array of label names (got ${shown(labels)})`);
  }
  const seen = new Set<string>();
  for (const [k, label] of labels.entries()) {
    if (typeof label !== 'string' || label === '') throw fail(`${field}[${k}]`, 'must be a non-empty string');
    if (seen.has(label)) throw fail(`${field}[${k}]`, `repeats the label ${shown(label)}`);
    seen.add(label);
  }
  return [...labels];
}

/**
 * Emits the labels of a multi-label target in a chosen order. A target is a label *set*: `apply` takes its
 * labels in any order and returns them in emission order; `invert` takes emitted labels and returns them in
 * canonical order, so comparing `invert(output)` with the canonical reference list compares sets.
 */
export class LabelOrder implements ReversibleTransform<readonly string[], LabelOrderJSON> {
  /** Always `'label-order'`. */
  readonly kind = 'label-order';
  /** The label space in canonical order. */
  readonly labels: readonly string[];
  /** The emission order (positions into `labels`), with its provenance. */
  readonly order: TargetOrder;
  /** Canonical index of each label name. */
  readonly #index: ReadonlyMap<string, number>;
  /** Emission rank of each canonical index. */
  readonly #rank: Int32Array;

  constructor(options: LabelOrderOptions) {
    this.labels = checkLabels(options.labels, 'labels', invalidOption);
    this.#index = new Map(this.labels.map((label, i) => [label, i]));
    const order = options.order;
    const byName = Array.isArray(order) && order.some((item) => typeof item === 'string');
    const positions = byName
      ? checkLabels(order, 'order', invalidOption).map((label, k) =>
          this.#indexOf(label, `order[${k}]`, invalidOption),
        )
      : (order as OrderInput);
    this.order = toTargetOrder(positions, 'order', this.labels.length);
    this.#rank = new Int32Array(this.labels.length);
    this.order.positions.forEach((p, k) => {
      this.#rank[p] = k;
    });
  }

  /** The labels in emission order. */
  get emitted(): string[] {
    return this.order.positions.map((p) => this.labels[p] as string);
  }

  /** A label set (any order) → its labels in emission order. */
  apply(labels: readonly string[]): string[] {
    return this.#sorted(labels, 'labels', (i) => this.#rank[i] as number);
  }

  /** Emitted labels → the same labels in canonical order. */
  invert(emitted: readonly string[]): string[] {
    return this.#sorted(emitted, 'emitted', (i) => i);
  }

  /** Plain data for {@link transformFromJSON}. */
  toJSON(): LabelOrderJSON {
    return { ...header('label-order'), labels: [...this.labels], order: orderJson(this.order) };
  }

  /** Restores a transform from {@link LabelOrder.toJSON} output (object or JSON text); errors name the field. */
  static fromJSON(json: unknown): LabelOrder {
    const { object } = readTransformJson(json, 'label-order');
    const labels = checkLabels(
      readArray(object.labels, `${ROOT}.labels`, readString),
      `${ROOT}.labels`,
      invalidJson,
    );
    return new LabelOrder({ labels, order: readTargetOrder(object.order, `${ROOT}.order`, labels.length) });
  }

  #indexOf(
    label: unknown,
    field: string,
    fail: (field: string, message: string) => TargetReorderError,
  ): number {
    const i = typeof label === 'string' ? this.#index.get(label) : undefined;
    if (i === undefined) {
      throw fail(field, `is not a known label (got ${shown(label)}; known: ${this.labels.join(', ')})`);
    }
    return i;
  }

  /** Validates a label list (known, no repeats) and sorts it by `key` of each canonical index. */
  #sorted(labels: readonly string[], field: string, key: (index: number) => number): string[] {
    if (!Array.isArray(labels))
      throw invalidInput(field, `must be an array of label names (got ${shown(labels)})`);
    const seen = new Set<number>();
    const indices = labels.map((label, k) => {
      const i = this.#indexOf(label, `${field}[${k}]`, invalidInput);
      if (seen.has(i)) throw invalidInput(`${field}[${k}]`, `repeats the label ${shown(label)}`);
      seen.add(i);
      return i;
    });
    return indices.sort((a, b) => key(a) - key(b)).map((i) => this.labels[i] as string);
  }
}
