/** Options for {@link describeValue}. */
export interface DescribeValueOptions {
  /** Longest rendering; longer ones are cut and say how long the value was. @default 80 */
  maxChars?: number;
}

/**
 * A short, safe rendering of any value for an error message: `"abc"`, `12`, `10n`, `null`, `undefined`,
 * `[1, 2, …]`, `{a: 1, …}`, `a function`. It never throws (BigInt, symbols, objects without a prototype,
 * cycles, throwing getters and proxies are fine), never recurses deeper than two levels, and never returns more
 * than about `maxChars` characters, so a 50 MB string or a 100,000-deep array from an untrusted file cannot
 * blow up the message or the stack.
 */
export function describeValue(value: unknown, options: DescribeValueOptions = {}): string {
  const maxChars = options.maxChars ?? 80;
  const text = render(value, 2, maxChars);
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(0, maxChars - 1))}…`;
}

function render(value: unknown, depth: number, budget: number): string {
  switch (typeof value) {
    case 'string': {
      if (value.length + 2 <= budget) return JSON.stringify(value);
      // Quote only a prefix (JSON.stringify of the whole string would copy all of it), leaving room for the length.
      const shown = JSON.stringify(value.slice(0, Math.max(4, budget - 24)));
      return `${shown.slice(0, -1)}…" (${value.length} chars)`;
    }
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return value.description === undefined ? 'a symbol' : `Symbol(${value.description.slice(0, budget)})`;
    case 'function':
      return 'a function';
  }
  if (value === null) return 'null';
  try {
    if (Array.isArray(value)) {
      if (depth === 0) return `an array of ${value.length} items`;
      return `[${items(value.length, (i) => (i in value ? render(value[i], depth - 1, budget) : '<hole>'), budget)}]`;
    }
    if (depth === 0) return 'an object';
    const keys = Object.keys(value as object);
    const entry = (i: number) => {
      const key = keys[i] as string;
      const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key.slice(0, budget));
      return `${name}: ${render((value as Record<string, unknown>)[key], depth - 1, budget)}`;
    };
    return `{${items(keys.length, entry, budget)}}`;
  } catch {
    return 'an object';
  }
}

/** Renders items one by one until the budget is spent, so a million-entry array costs only what is shown. */
function items(count: number, itemAt: (i: number) => string, budget: number): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; i < count; i++) {
    if (length > budget) {
      parts.push('…');
      break;
    }
    const part = itemAt(i);
    parts.push(part);
    length += part.length + 2;
  }
  return parts.join(', ');
}
