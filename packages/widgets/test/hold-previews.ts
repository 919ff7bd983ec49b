/**
 * Wraps `fetch` so real preview answers can be held back while `hold` is true (to see the
 * loading state), then released. Nothing is invented: every answer is the server's.
 */
export function holdPreviews(realFetch: typeof fetch): {
  hold: (on: boolean) => void;
  release: () => void;
} {
  let held = false;
  let release = () => {};
  globalThis.fetch = async (input, init) => {
    const answer = realFetch(input, init);
    if (!held || !String(input).endsWith('/segments/preview')) return answer;
    await new Promise<void>((resolve) => {
      release = resolve;
    });
    return answer;
  };
  return {
    hold: (on) => {
      held = on;
    },
    release: () => release(),
  };
}
