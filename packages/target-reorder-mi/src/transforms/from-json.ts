import { DigitPermutation } from './digit-permutation.js';
import { LabelOrder } from './label-order.js';
import { SentenceStart } from './sentence-start.js';
import { readTransformJson } from './transform-json.js';

/** Any transform of this package. */
export type Transform = DigitPermutation | LabelOrder | SentenceStart;

/**
 * Restores a transform from its `toJSON()` output, as an object or JSON text (e.g. a file stored beside a
 * model checkpoint). Everything is validated; a `TargetReorderError` with code `INVALID_JSON` names the path
 * of the first bad field, e.g. `transform.order.positions[2]`.
 */
export function transformFromJSON(json: unknown): Transform {
  const { kind } = readTransformJson(json);
  switch (kind) {
    case 'digit-permutation':
      return DigitPermutation.fromJSON(json);
    case 'label-order':
      return LabelOrder.fromJSON(json);
    case 'sentence-start':
      return SentenceStart.fromJSON(json);
  }
}
