// Error messages quote what the caller passed. The value may be anything a file or a caller supplies: a 50 MB
// string, an array nested 100,000 deep, a BigInt, a Symbol, an object without a prototype, a Proxy whose traps
// throw. `String(value)` or `JSON.stringify(value)` throws or recurses on several of those and copies the
// whole of the others into the message, so errors describe values through this bounded summary instead.

const MAX_STRING = 60;
const MAX_ITEMS = 4;

/**
 * A short, safe description of any value for an error message: strings are quoted and cut after 60
 * characters (with their length), numbers, BigInts and booleans are written as literals, arrays and objects
 * are summarised two levels deep with at most four entries each. Never throws, never recurses deeper than two
 * levels, and the result is at most `maxLength` characters (plus an ellipsis).
 *
 * ```ts
 * describeValue('x'.repeat(1e6)); // "xxxx…" (1000000 characters)
 * describeValue(10n); // 10n
 * describeValue(Object.create(null)); // {}
 * ```
 */
export function describeValue(value: unknown, maxLength = 120): string {
  let text: string;
  try {
    text = summarize(value, 2);
  } catch {
    text = 'an unreadable value'; // a Proxy or getter that throws
  }
  return text.length <= maxLength ? text : `${text.slice(0, maxLength)}…`;
}

function summarize(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'undefined':
      return 'nothing';
    case 'string':
      return value.length <= MAX_STRING
        ? JSON.stringify(value)
        : `${JSON.stringify(value.slice(0, MAX_STRING))}… (${value.length} characters)`;
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value.toString()}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return 'a function';
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    if (depth === 0) return `[${value.length} items]`;
    const shown = Array.from({ length: Math.min(value.length, MAX_ITEMS) }, (_, i) =>
      summarize(value[i], depth - 1),
    );
    return `[${shown.join(', ')}${value.length > MAX_ITEMS ? `, … ${value.length} items` : ''}]`;
  }
  if (ArrayBuffer.isView(value)) return `a ${value.constructor?.name ?? 'typed array'}`;
  const keys = Object.keys(value as object);
  if (depth === 0) return keys.length === 0 ? '{}' : '{…}';
  const shown = keys
    .slice(0, MAX_ITEMS)
    .map((key) => `${summarize(key, 0)}: ${summarize((value as Record<string, unknown>)[key], depth - 1)}`);
  return `{${shown.join(', ')}${keys.length > MAX_ITEMS ? `, … ${keys.length} keys` : ''}}`;
}
