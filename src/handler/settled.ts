/**
 * Waits for every call, then throws the first failure: sibling calls (launches, parts) are
 * never cut short by one failing, and the delivery still fails so that it is retried.
 */
export async function settledAll<T>(calls: readonly Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(calls);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason as Error;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
