/**
 * Waits `ms`, or rejects with the abort reason as soon as `signal` aborts. Debounces inside a
 * `Task`: a newer input aborts the wait, so only the last edit reaches the server.
 */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    if (ms <= 0) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
