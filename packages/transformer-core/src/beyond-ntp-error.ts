/**
 * A class of the {@link BeyondNtpError} hierarchy as {@link BeyondNtpError.isInstance} sees it: its instances'
 * type and its own brand.
 */
export interface BrandedErrorClass<T> {
  /** Gives `isInstance` its narrowed type. */
  readonly prototype: T;
  /** `Symbol.for('@beyond-ntp/<package>/<ClassName>')`, declared by the class itself. */
  readonly brand: symbol;
}

/**
 * The base of every error the beyond-ntp packages throw: a stable machine-readable `code`, a message that names
 * the field or file at fault, and a brand that survives duplicate copies of a package.
 *
 * `instanceof` fails when an application ends up with two copies of a package (its ESM and CJS builds, or two
 * versions), so each class carries a `Symbol.for` brand instead: `static readonly brand: symbol =
 * Symbol.for('@beyond-ntp/<package>/<ClassName>')`. The constructor marks the instance with the brand of every
 * class of its chain, and the one inherited `isInstance` checks the brand of the class it is called on, so
 * `ConfigError.isInstance(e)` is true only for config errors and `BeyondNtpError.isInstance(e)` for every error
 * of the project. `name` is the last segment of the class's brand (robust to minifiers that rename classes).
 *
 * A subclass declares its brand (typed `symbol`: without it TypeScript infers a `unique symbol` that no subclass
 * of the subclass could override), passes its code and message to `super`, and adds the fields that locate the
 * problem:
 *
 * ```ts
 * export class SpecDecodeError extends BeyondNtpError<'DRAFT_INVALID' | 'VOCAB_MISMATCH'> {
 *   static override readonly brand: symbol = Symbol.for('@beyond-ntp/spec-decode/SpecDecodeError');
 * }
 * SpecDecodeError.isInstance(error); // error is SpecDecodeError
 * ```
 *
 * Packages that cannot depend on transformer-core (runtime, tokenizer, synth-tasks, target-reorder-mi) follow
 * its shape — `code: string` and the brand `Symbol.for('@beyond-ntp/BeyondNtpError')` on every instance — so
 * `BeyondNtpError.isInstance` recognises their errors too; this class therefore has no members beyond `Error`'s
 * and `code`.
 */
export abstract class BeyondNtpError<Code extends string = string> extends Error {
  /** The brand shared by every error of the project. Each subclass declares its own. */
  static readonly brand: symbol = Symbol.for('@beyond-ntp/BeyondNtpError');

  /** Stable machine-readable code; a subclass lists its codes as a union type. */
  readonly code: Code;

  /**
   * @param code - Stable machine-readable code.
   * @param message - What is wrong and how to fix it, naming the field or file.
   * @param options - `cause`: the error this one wraps, if any.
   */
  constructor(code: Code, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    const own = ownBrand(new.target).description ?? 'BeyondNtpError';
    // Non-enumerable like `Error.prototype.name`, so logs and object comparisons show only the fields.
    Object.defineProperty(this, 'name', {
      value: own.slice(own.lastIndexOf('/') + 1),
      writable: true,
      configurable: true,
    });
    for (let cls: object | null = new.target; cls !== null; cls = Object.getPrototypeOf(cls)) {
      if (Object.hasOwn(cls, 'brand')) Object.defineProperty(this, ownBrand(cls), { value: true });
    }
  }

  /**
   * True when `error` is an instance of this class or a subclass, created by any copy of the package that
   * defines it (ESM or CJS, or another version), unlike `instanceof`. (Called on `BeyondNtpError` itself, whose
   * `prototype` TypeScript types with `code: any`, it narrows to `BeyondNtpError` with `code: string`.)
   */
  static isInstance<T>(
    this: BrandedErrorClass<T>,
    error: unknown,
  ): error is 0 extends 1 & T[keyof T & 'code'] ? BeyondNtpError : T {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass the call names, which is the point.
    return typeof error === 'object' && error !== null && ownBrand(this) in error;
  }
}

// A class without a brand of its own would answer `isInstance` for its parent's instances too.
function ownBrand(cls: object): symbol {
  if (!Object.hasOwn(cls, 'brand')) {
    const name = (cls as { name?: string }).name ?? 'an error class';
    throw new TypeError(
      `${name} extends BeyondNtpError but declares no brand: add ` +
        `\`static override readonly brand: symbol = Symbol.for('@beyond-ntp/<package>/${name}')\``,
    );
  }
  return (cls as BrandedErrorClass<unknown>).brand;
}
