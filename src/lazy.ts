type AsyncMethods = Record<PropertyKey, (...args: unknown[]) => Promise<unknown>>;

/**
 * A stand-in for an object of async methods that loads the real one on the first call, so a cold
 * start loads only what its first event needs (a foreign event needs neither Firestore nor the
 * Dataflow client). A failed load fails every call the same way; it is a broken install.
 */
export function lazily<T extends object>(load: () => Promise<T>): T {
  let loading: Promise<T> | undefined;
  const real = () => (loading ??= load());
  return new Proxy({} as T, {
    get:
      (_target, method) =>
      async (...args: unknown[]) =>
        ((await real()) as unknown as AsyncMethods)[method]!(...args),
  });
}
