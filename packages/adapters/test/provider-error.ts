import { ProviderError } from '@greentrack/core';

/** The `ProviderError` a send rejected with; fails the test if it resolved or threw anything else. */
export async function providerErrorOf(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('expected a ProviderError');
}
