import { shown, TargetReorderError } from '../errors.js';

/** An `INVALID_JSON` error for the field at `path`. */
export function invalidJson(path: string, message: string): TargetReorderError {
  return new TargetReorderError('INVALID_JSON', path, message);
}

/** `value` as a plain object, or an error naming `path`. */
export function readObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidJson(path, `must be an object (got ${shown(value)})`);
  }
  return value as Record<string, unknown>;
}

/** `value` as a string, or an error naming `path`. */
export function readString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalidJson(path, `must be a string (got ${shown(value)})`);
  return value;
}

/** `value` as a finite number, or an error naming `path`. */
export function readNumber(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidJson(path, `must be a finite number (got ${shown(value)})`);
  }
  return value;
}

/** `value` as an array whose items pass `read` (each named `path[k]`), or an error naming `path`. */
export function readArray<T>(value: unknown, path: string, read: (item: unknown, path: string) => T): T[] {
  if (!Array.isArray(value)) throw invalidJson(path, `must be an array (got ${shown(value)})`);
  return value.map((item, k) => read(item, `${path}[${k}]`));
}

/** `value` unless it is `null`, in which case `null`. */
export function readNullable<T>(
  value: unknown,
  path: string,
  read: (value: unknown, path: string) => T,
): T | null {
  return value === null ? null : read(value, path);
}
