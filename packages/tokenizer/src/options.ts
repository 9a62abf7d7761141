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
  if (!allowed.includes(value)) {
    throw invalidOption(
      field,
      `got ${JSON.stringify(value)}, expected one of ${allowed.map((a) => `'${a}'`).join(', ')}.`,
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
    throw invalidOption(field, `got ${String(value)}, expected an integer ≥ ${min}.`);
  }
  return value;
}

/** A boolean, `fallback` if undefined, else an error naming `field`. */
export function boolean(field: string, value: boolean | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalidOption(field, `got ${String(value)}, expected true or false.`);
  return value;
}

/** A list of distinct non-empty strings, else an error naming `field`. */
export function tokenList(
  field: string,
  value: readonly string[] | undefined,
  fallback: readonly string[],
): string[] {
  if (value === undefined) return [...fallback];
  if (!Array.isArray(value)) throw invalidOption(field, 'expected an array of strings.');
  const seen = new Set<string>();
  for (const [i, token] of value.entries()) {
    if (typeof token !== 'string' || token.length === 0) {
      throw invalidOption(`${field}[${i}]`, `got ${JSON.stringify(token)}, expected a non-empty string.`);
    }
    if (seen.has(token)) throw invalidOption(`${field}[${i}]`, `"${token}" is listed twice.`);
    seen.add(token);
  }
  return [...value];
}
