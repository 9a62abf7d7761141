import { invalidInput, shown } from '../errors.js';
import type { TargetOrder } from '../targets/choose-order.js';
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

/** Serialised {@link DigitPermutation}. */
export interface DigitPermutationJSON extends TransformJsonHeader<'digit-permutation'> {
  /** The emission order and how it was chosen. */
  order: TargetOrder;
}

/** Options of {@link DigitPermutation}. */
export interface DigitPermutationOptions {
  /** Emission order of the answer's digit positions; its length is the answer width. */
  order: OrderInput;
}

const ZERO = 48;
const NINE = 57;

/**
 * Emits the digits of a fixed-width arithmetic answer in a chosen order. Answers are zero-padded to the
 * width (`35*07=` → `0245`); with order [3, 2, 1, 0] `apply('0245')` is `'5420'` (units first) and
 * `invert('5420')` is `'0245'`. Display code strips leading zeros after `invert`, never before.
 */
export class DigitPermutation implements ReversibleTransform<string, DigitPermutationJSON> {
  /** Always `'digit-permutation'`. */
  readonly kind = 'digit-permutation';
  /** The order, with its provenance. */
  readonly order: TargetOrder;
  readonly #positions: readonly number[];

  constructor(options: DigitPermutationOptions) {
    this.order = toTargetOrder(options.order, 'order');
    this.#positions = this.order.positions;
  }

  /** Number of digits of every answer. */
  get width(): number {
    return this.#positions.length;
  }

  /** Natural answer → digits in emission order: `out[k] = answer[order[k]]`. */
  apply(answer: string): string {
    this.#check(answer, 'answer');
    let out = '';
    for (const p of this.#positions) out += answer[p];
    return out;
  }

  /** Emitted digits → natural answer: `answer[order[k]] = emitted[k]`. */
  invert(emitted: string): string {
    this.#check(emitted, 'emitted');
    const out = new Array<string>(this.width);
    this.#positions.forEach((p, k) => {
      out[p] = emitted[k] as string;
    });
    return out.join('');
  }

  /** Plain data for {@link transformFromJSON}. */
  toJSON(): DigitPermutationJSON {
    return { ...header('digit-permutation'), order: orderJson(this.order) };
  }

  /** Restores a transform from {@link DigitPermutation.toJSON} output (object or JSON text); errors name the field. */
  static fromJSON(json: unknown): DigitPermutation {
    const { object } = readTransformJson(json, 'digit-permutation');
    return new DigitPermutation({ order: readTargetOrder(object.order, `${ROOT}.order`) });
  }

  #check(digits: unknown, field: string): asserts digits is string {
    if (typeof digits !== 'string')
      throw invalidInput(field, `must be a string of digits (got ${shown(digits)})`);
    if (digits.length !== this.width) {
      throw invalidInput(
        field,
        `has ${digits.length} characters but the answer width is ${this.width} (zero-pad answers to a fixed width)`,
      );
    }
    for (let i = 0; i < digits.length; i++) {
      const c = digits.charCodeAt(i);
      if (c < ZERO || c > NINE) {
        throw invalidInput(
          field,
          `character ${i} (${shown(digits[i])}) of ${shown(digits)} is not a digit 0-9`,
        );
      }
    }
  }
}
