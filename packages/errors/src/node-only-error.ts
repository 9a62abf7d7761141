import { BeyondNtpError } from './beyond-ntp-error.js';

/** What {@link NodeOnlyError} reports: the feature that needs Node.js, and what to use instead. */
export interface NodeOnlyErrorOptions {
  /** The function or feature that was called, e.g. `loadTokenizer(path)`. */
  feature: string;
  /** The Node.js module it needs, e.g. `node:fs`. */
  module: string;
  /** What does the same job here, e.g. "fetch the file and call fromHfJson(text)". */
  instead: string;
}

/**
 * Thrown by the browser build of a package when code calls a feature that needs Node.js (its file system, worker
 * threads, a terminal). The browser build keeps the package's whole API, so one import works everywhere; the
 * Node-only parts fail with this error, saying what to use instead, rather than break the bundle.
 */
export class NodeOnlyError extends BeyondNtpError<'NODE_ONLY'> {
  /** Brand checked by {@link BeyondNtpError.isInstance}. */
  static override readonly brand: symbol = Symbol.for('@beyond-ntp/errors/NodeOnlyError');
  /** The function or feature that was called. */
  readonly feature: string;

  constructor(options: NodeOnlyErrorOptions) {
    super(
      'NODE_ONLY',
      `${options.feature} needs Node.js (${options.module}), which this environment does not provide; ` +
        `${options.instead}.`,
    );
    this.feature = options.feature;
  }
}
