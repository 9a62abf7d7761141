import { BeyondNtpError } from '@beyond-ntp/errors';
import { expect, it } from 'vitest';
import { CoconutError, checkInteger } from './errors.js';

it('is a BeyondNtpError of the project, recognised by its brand across copies of the package', () => {
  const error = new CoconutError('INVALID_OPTION', 'batchSize', 'expected an integer >= 1, got 0');
  expect([error.name, error.code, error.field, error.message]).toEqual([
    'CoconutError',
    'INVALID_OPTION',
    'batchSize',
    'batchSize: expected an integer >= 1, got 0',
  ]);
  expect(BeyondNtpError.isInstance(error)).toBe(true);
  expect(CoconutError.isInstance(error)).toBe(true);
  // What another copy of the package (its CJS build) would make: a plain object carrying the brand.
  const foreign = Object.assign(new Error('m'), {
    [Symbol.for('@beyond-ntp/coconut-curriculum/CoconutError')]: true,
  });
  expect(CoconutError.isInstance(foreign)).toBe(true);
  expect(CoconutError.isInstance(new Error('m'))).toBe(false);
});

it('checkInteger returns a valid count and names the field of a bad one', () => {
  expect(checkInteger('c', 3, 1)).toBe(3);
  expect(() => checkInteger('c', 1.5, 1)).toThrow('c: expected an integer >= 1, got 1.5');
});
