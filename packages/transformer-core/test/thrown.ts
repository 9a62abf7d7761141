import { expect } from 'vitest';

/** An error class with the `isInstance` of `BeyondNtpError`. */
interface CheckableErrorClass<T> {
  readonly prototype: T;
  readonly name: string;
  isInstance(error: unknown): boolean;
}

/**
 * The error `call` throws (or its promise rejects with), checked with `errorClass.isInstance`; fails the test when
 * `call` returns or throws anything else.
 */
export async function thrown<T>(errorClass: CheckableErrorClass<T>, call: () => unknown): Promise<T> {
  try {
    await call();
  } catch (error) {
    if (errorClass.isInstance(error)) return error as T;
    throw error;
  }
  return expect.fail(`expected a ${errorClass.name}, but the call returned`);
}
