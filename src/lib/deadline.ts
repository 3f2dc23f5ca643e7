// A bound of our own on a database call. The driver bounds how long a command waits for a
// server (serverSelectionTimeoutMS) and the server bounds its work (maxTimeMS), but a command
// written to a connection whose server has just died can wait for the socket to drain for
// ever: the driver wakes that wait on an 'error' of the socket, not on its 'close', and its
// own client-side timeout (timeoutMS) has no effect in this driver. Without a bound, one such
// call holds its request for ever, and a shared batch (coalesce.ts) holds every request after
// it. The outcome of a call cut off this way is unknown, which the application answers as it
// answers an unreachable database: 503, "try again shortly".

/** The call did not settle in time; whether it took effect is unknown. */
export class DatabaseDeadlineError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms; its outcome is unknown`);
    this.name = 'DatabaseDeadlineError';
  }
}

/**
 * Longer than any call of the application may legitimately take: a server selection
 * (SERVER_SELECTION_TIMEOUT_MS, 3 s) and then the longest server-side work (QUERY_MAX_TIME_MS,
 * 10 s), with room for a busy machine.
 */
export const DATABASE_CALL_DEADLINE_MS = 20_000;

/** `work`'s answer, or a DatabaseDeadlineError once `ms` have passed without one. */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseDeadlineError(what, ms)), ms);
    timer.unref();
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
