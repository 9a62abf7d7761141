import { describeValue } from './describe-value.js';

/** Options for {@link parseUntrustedJson}. */
export interface ParseUntrustedJsonOptions {
  /** Deepest nesting of arrays and objects accepted. @default 64 */
  maxDepth?: number;
  /** Longest text accepted, in UTF-16 code units. @default 2 ** 30 */
  maxChars?: number;
}

/** The result of {@link parseUntrustedJson}: the value, or a one-line problem to put after the file's name. */
export type ParsedJson = JsonValue | JsonProblem;

/** The text parsed. */
export interface JsonValue {
  /** Parsed. */
  ok: true;
  /** What `JSON.parse` returned. */
  value: unknown;
}

/** The text was refused. */
export interface JsonProblem {
  /** Refused. */
  ok: false;
  /** What is wrong, as the end of a sentence that starts with the file name: `is not valid JSON (…).` */
  problem: string;
}

/**
 * `JSON.parse` for files a user downloaded: refuses text longer than `maxChars` and nesting deeper than
 * `maxDepth` before parsing (a linear scan), so no later recursive walk over the value (a validator,
 * `JSON.stringify` in an error message) can overflow the stack, and reports every problem in one bounded line.
 * It returns the problem instead of throwing, so each package wraps it in its own error class with the file
 * name:
 *
 * ```ts
 * const parsed = parseUntrustedJson(text);
 * if (!parsed.ok) throw new ConfigError('MALFORMED_FILE', `${file} ${parsed.problem}`); // "config.json is not valid JSON (…)."
 * ```
 */
export function parseUntrustedJson(text: string, options: ParseUntrustedJsonOptions = {}): ParsedJson {
  const maxDepth = options.maxDepth ?? 64;
  const maxChars = options.maxChars ?? 2 ** 30;
  if (typeof text !== 'string')
    return { ok: false, problem: `expected JSON text, got ${describeValue(text)}.` };
  if (text.length > maxChars) {
    return { ok: false, problem: `is ${text.length} characters long; the limit is ${maxChars}.` };
  }
  const deep = firstTooDeep(text, maxDepth);
  if (deep !== undefined) {
    return {
      ok: false,
      problem: `nests arrays and objects deeper than ${maxDepth} levels (at character ${deep}).`,
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    // Engines quote a snippet of the text in the message; cut it so the line stays short.
    const message = error instanceof Error ? error.message : describeValue(error);
    return {
      ok: false,
      problem: `is not valid JSON (${message.length > 160 ? `${message.slice(0, 159)}…` : message}).`,
    };
  }
}

/** Index of the first bracket that opens level `maxDepth + 1`, skipping string contents; undefined if none. */
function firstTooDeep(text: string, maxDepth: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}
