import { KitError } from './errors.js';

/** A JSON value: what a run config must be made of, so it can be stored, compared and reloaded unchanged. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Throws a `KitError` (`INVALID_EXPERIMENT`) naming the first part of `value` that JSON cannot hold unchanged:
 * `undefined`, functions, `NaN`/`Infinity` (stored as `null`), class instances such as `Date` or `Map` (stored as
 * something else), bigints. `JSON.stringify` alone would drop or convert these silently, and a run compared
 * against its stored config would then never match.
 */
export function assertJson(value: unknown, field: string): asserts value is Json {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return;
    throw notJson(field, `${value} is not a JSON number`);
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) assertJson(item, `${field}[${i}]`);
    return;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw notJson(field, `a ${proto?.constructor?.name ?? 'class'} instance is not a plain JSON object`);
    }
    for (const [key, item] of Object.entries(value)) assertJson(item, `${field}.${key}`);
    return;
  }
  throw notJson(field, `a ${typeof value} is not JSON`);
}

function notJson(field: string, problem: string): KitError {
  return new KitError('INVALID_EXPERIMENT', field, `${problem}; configs and metrics must be plain JSON`);
}

/**
 * JSON text with object keys sorted at every level, so equal values give equal text whatever the key order.
 * Meant for values already checked with {@link assertJson} (or read from JSON).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}
