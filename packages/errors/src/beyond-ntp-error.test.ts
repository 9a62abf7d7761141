import { describe, expect, it, vi } from 'vitest';
import { BeyondNtpError } from './beyond-ntp-error.js';
import * as api from './index.js';

// A package's error family as the beyond-ntp packages declare them: a family base, a subclass of it, and an
// unrelated class of another package.
class DraftError extends BeyondNtpError<'DRAFT_INVALID' | 'VOCAB_MISMATCH'> {
  static override readonly brand: symbol = Symbol.for('@beyond-ntp/spec-decode-test/DraftError');
  readonly position: number;
  constructor(code: DraftError['code'], position: number, options?: ErrorOptions) {
    super(code, `draft token at position ${position} is invalid`, options);
    this.position = position;
  }
}
class RejectedDraftError extends DraftError {
  static override readonly brand: symbol = Symbol.for('@beyond-ntp/spec-decode-test/RejectedDraftError');
}
class ShapeError extends BeyondNtpError<'SHAPE_INVALID'> {
  static override readonly brand: symbol = Symbol.for('@beyond-ntp/other-test/ShapeError');
}

describe('BeyondNtpError', () => {
  it('is the package’s export, with the project brand', () => {
    expect(api.BeyondNtpError).toBe(BeyondNtpError);
    expect(Symbol.keyFor(BeyondNtpError.brand)).toBe('@beyond-ntp/BeyondNtpError');
  });

  it('keeps the code and the message, passes `cause` on, and takes `name` from the brand', () => {
    const cause = new RangeError('inner');
    const error = new RejectedDraftError('DRAFT_INVALID', 2, { cause });
    expect([error.code, error.message, error.cause, error.position]).toEqual([
      'DRAFT_INVALID',
      'draft token at position 2 is invalid',
      cause,
      2,
    ]);
    expect([
      error.name,
      new DraftError('VOCAB_MISMATCH', 0).name,
      new ShapeError('SHAPE_INVALID', 'm').name,
    ]).toEqual(['RejectedDraftError', 'DraftError', 'ShapeError']);
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(BeyondNtpError);
    expect(String(error)).toBe('RejectedDraftError: draft token at position 2 is invalid');
  });

  it('gives a subclass of a subclass its own isInstance, without writing one', () => {
    const draft = new DraftError('VOCAB_MISMATCH', 4);
    const rejected = new RejectedDraftError('DRAFT_INVALID', 2);
    const shape = new ShapeError('SHAPE_INVALID', 'm');
    const classes = [BeyondNtpError, DraftError, RejectedDraftError, ShapeError];
    const matrix = [draft, rejected, shape].map((error) => classes.map((cls) => cls.isInstance(error)));
    expect(matrix).toEqual([
      [true, true, false, false],
      [true, true, true, false],
      [true, false, false, true],
    ]);
    if (DraftError.isInstance(rejected)) expect(rejected.position).toBe(2); // narrowed to DraftError
  });

  it('is false for anything not branded: plain errors, look-alikes and non-objects', () => {
    const lookAlike = Object.assign(new Error('m'), { name: 'DraftError', code: 'DRAFT_INVALID' });
    for (const value of [lookAlike, new Error('m'), null, undefined, 'DraftError', 42, {}]) {
      expect(BeyondNtpError.isInstance(value)).toBe(false);
      expect(DraftError.isInstance(value)).toBe(false);
    }
  });

  it('recognises errors of another copy of the package (ESM and CJS builds, other versions)', async () => {
    vi.resetModules();
    const copy = await import('./beyond-ntp-error.js');
    expect(copy.BeyondNtpError).not.toBe(BeyondNtpError);
    // The same family declared on the other copy of the base, as a second copy of a package would.
    class ForeignDraftError extends copy.BeyondNtpError<'DRAFT_INVALID'> {
      static override readonly brand: symbol = Symbol.for('@beyond-ntp/spec-decode-test/DraftError');
    }
    const foreign = new ForeignDraftError('DRAFT_INVALID', 'm');
    expect(foreign).not.toBeInstanceOf(BeyondNtpError);
    expect([BeyondNtpError.isInstance(foreign), DraftError.isInstance(foreign)]).toEqual([true, true]);
    expect(RejectedDraftError.isInstance(foreign)).toBe(false);
    expect(copy.BeyondNtpError.isInstance(new ShapeError('SHAPE_INVALID', 'm'))).toBe(true);
  });

  it('recognises the errors of releases that copied the brand instead of extending the class', () => {
    // What runtime, tokenizer, synth-tasks and target-reorder-mi put on their errors before they extended
    // this class: their own brand and the project brand as enumerable fields.
    const older = Object.assign(new Error('id 7 is not in the vocabulary'), {
      name: 'TokenizerError',
      code: 'INVALID_ID',
      [Symbol.for('@beyond-ntp/tokenizer/TokenizerError')]: true,
      [Symbol.for('@beyond-ntp/BeyondNtpError')]: true,
    });
    expect(BeyondNtpError.isInstance(older) && older.code).toBe('INVALID_ID');
    expect(DraftError.isInstance(older)).toBe(false);
  });

  it('keeps brands out of enumerable keys, so logs and comparisons see only the fields', () => {
    const error = new RejectedDraftError('DRAFT_INVALID', 1);
    expect(Object.keys(error)).toEqual(['code', 'position']);
    expect(Object.getOwnPropertySymbols(error)).toEqual([
      RejectedDraftError.brand,
      DraftError.brand,
      BeyondNtpError.brand,
    ]);
  });

  it('refuses a subclass that declares no brand of its own, which would answer for its parent', () => {
    class Unbranded extends DraftError {}
    const message =
      "Unbranded extends BeyondNtpError but declares no brand: add `static override readonly brand: symbol = Symbol.for('@beyond-ntp/<package>/Unbranded')`";
    expect(() => new Unbranded('DRAFT_INVALID', 0)).toThrow(new TypeError(message));
    expect(() => Unbranded.isInstance(new DraftError('DRAFT_INVALID', 0))).toThrow(message);
  });
});
