import { describeValue } from '@beyond-ntp/errors';
import { invalidOption } from './errors.js';

// Option checks shared by every public function: each names the field it rejects and what it accepts.

/** `value` if it is one of `allowed`, `fallback` if undefined, else an error naming `field`. */
export function oneOf<T extends string>(
  field: string,
  value: T | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw invalidOption(
      field,
      `got ${describeValue(value)}, expected one of ${allowed.map((a) => `'${a}'`).join(', ')}.`,
    );
  }
  return value;
}

/** An integer ≥ `min`, `fallback` if undefined, else an error naming `field`. */
export function integerAtLeast(
  field: string,
  value: number | undefined,
  min: number,
  fallback?: number,
): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw invalidOption(field, `got ${describeValue(value)}, expected an integer ≥ ${min}.`);
  }
  return value;
}

/** A boolean, `fallback` if undefined, else an error naming `field`. */
export function boolean(field: string, value: boolean | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw invalidOption(field, `got ${describeValue(value)}, expected true or false.`);
  return value;
}

/** A list of distinct non-empty strings, else an error naming `field`. */
export function tokenList(
  field: string,
  value: readonly string[] | undefined,
  fallback: readonly string[],
): string[] {
  if (value === undefined) return [...fallback];
  const list = stringList(field, value);
  const seen = new Set<string>();
  for (const [i, token] of list.entries()) {
    if (token.length === 0) throw invalidOption(`${field}[${i}]`, 'got "", expected a non-empty string.');
    if (seen.has(token)) throw invalidOption(`${field}[${i}]`, `${describeValue(token)} is listed twice.`);
    seen.add(token);
  }
  return list;
}

/**
 * The options object of a public function: `{}` when undefined, else it must be an object (with or without a
 * prototype), so that reading a field never throws.
 */
export function optionsObject<T extends object>(value: T | undefined, field = 'options'): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidOption(field, `got ${describeValue(value)}, expected an object.`);
  }
  return value;
}

/** A list of strings given as an array; holes and other values are rejected by index. */
export function stringList(field: string, value: unknown): string[] {
  if (!Array.isArray(value))
    throw invalidOption(field, `got ${describeValue(value)}, expected an array of strings.`);
  const list: string[] = [];
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (typeof item !== 'string') {
      throw invalidOption(
        `${field}[${i}]`,
        `got ${i in value ? describeValue(item) : 'a hole'}, expected a string.`,
      );
    }
    list.push(item);
  }
  return list;
}
