export interface PollOptions {
  /** Default 15 s. */
  timeoutMs?: number;
  /** Default 100 ms. */
  intervalMs?: number;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `attempt` until it returns something other than undefined, and returns that. Errors
 * thrown by `attempt` count as "not yet" (pages navigate, workers restart); on timeout the error
 * says what `describe()` reports about the last state, plus the last error.
 */
export async function poll<T>(
  attempt: () => Promise<T | undefined> | T | undefined,
  what: string,
  options: PollOptions & { describe?: () => string } = {},
): Promise<T> {
  const { timeoutMs = 15_000, intervalMs = 100, describe } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await sleep(intervalMs);
  }
  const details = [describe ? describe() : '', lastError ? `last error: ${lastError instanceof Error ? lastError.message : String(lastError)}` : ''].filter(
    Boolean,
  );
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${details.length ? `\n${details.join('\n')}` : ''}`);
}
