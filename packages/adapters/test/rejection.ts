/** The error `promise` rejects with, asserted to be a `ProviderError` (the adapters' call-level failure). */
import { ProviderError } from '@greentrack/core';
import { expect } from 'vitest';

export async function providerErrorOf(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}
