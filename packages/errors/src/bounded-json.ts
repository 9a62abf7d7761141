import { BeyondNtpError } from './beyond-ntp-error.js';

/** What made a JSON text unreadable: not JSON, longer than allowed, or nested deeper than allowed. */
export type JsonFileErrorCode = 'JSON_INVALID' | 'JSON_TOO_LARGE' | 'JSON_TOO_DEEP';

/** Thrown by {@link parseBoundedJson}: the message names `file` and says which limit the text broke. */
export class JsonFileError extends BeyondNtpError<JsonFileErrorCode> {
  /** Brand checked by {@link BeyondNtpError.isInstance}. */
  static override readonly brand: symbol = Symbol.for('@beyond-ntp/errors/JsonFileError');
  /** The file (or other source) the text came from. */
  readonly file: string;
  /** What is wrong, without the file name (the message is `<file>: <reason>`). */
  readonly reason: string;

  constructor(code: JsonFileErrorCode, file: string, reason: string) {
    super(code, `${file}: ${reason}`);
    this.file = file;
    this.reason = reason;
  }
}

/** Options of {@link parseBoundedJson}. */
export interface ParseBoundedJsonOptions {
  /** Names the text's source in errors, e.g. `run/ckpt-00000040/config.json`. */
  file: string;
  /**
   * Longest text accepted, in UTF-16 code units (`text.length`).
   * @default 16_777_216 (16 Mi)
   */
  maxLength?: number;
  /**
   * Deepest nesting of arrays and objects accepted; the top-level value is depth 1.
   * @default 64
   */
  maxDepth?: number;
}

/**
 * `JSON.parse` for text from a file someone else wrote: its length and nesting depth are checked first, in one
 * linear pass, so a 100,000-deep array or a huge file is refused with an error naming the file instead of
 * exhausting the stack or memory of whatever walks the parsed value afterwards.
 *
 * @throws {JsonFileError} `JSON_TOO_LARGE`, `JSON_TOO_DEEP` or `JSON_INVALID`, naming `options.file`.
 */
export function parseBoundedJson(text: string, options: ParseBoundedJsonOptions): unknown {
  const { file, maxLength = 16_777_216, maxDepth = 64 } = options;
  if (text.length > maxLength) {
    throw new JsonFileError(
      'JSON_TOO_LARGE',
      file,
      `${text.length} characters exceed the limit of ${maxLength}`,
    );
  }
  const depth = nestingDepth(text, maxDepth);
  if (depth > maxDepth) {
    throw new JsonFileError('JSON_TOO_DEEP', file, `arrays or objects nested deeper than ${maxDepth} levels`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    // V8's messages quote the text near the error; cut them so a huge line cannot become a huge message.
    const reason = String((error as Error).message).slice(0, 200);
    throw new JsonFileError('JSON_INVALID', file, `not valid JSON (${reason})`);
  }
}

// Deepest bracket nesting outside strings, stopping as soon as it exceeds `limit` (then returns limit + 1).
function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}
