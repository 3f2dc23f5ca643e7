import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * Paths may carry a private manage token, and query strings may carry anything a visitor
 * typed; logs keep neither. ID numbers and phone numbers are never logged: bodies are not
 * logged at all, and errors are logged without the request.
 */
export function scrubUrl(url: string): string {
  const path = url.split('?')[0] ?? '';
  return path.replace(/[A-Za-z0-9_-]{32,}/g, '[token]').replace(/\d{6,}[\dXx]*/g, '[number]');
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'res.headers["set-cookie"]',
          '*.idNumber',
          '*.phone',
          '*.password',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/**
 * Standard output, written without blocking: the lines of one turn of the event loop go out
 * in one write at its end (oneWritePerTurn), lines logged while a write is in flight go out
 * together in the next, so a rush's request lines cost a few writes rather than a system call
 * each, and a quiet process still writes each line at once. What is left is written when the
 * process exits (pino flushes it then).
 */
export function stdoutDestination(): DestinationStream {
  return oneWritePerTurn(pino.destination({ dest: 1, sync: false }));
}

type Destination = ReturnType<typeof pino.destination>;

/**
 * Hands the lines logged during one turn of the event loop to `out` together, when the turn
 * ends (setImmediate), instead of one by one: each line handed over while no write is in
 * flight starts a write of its own. A flush hands over what is held first; so does the
 * process's exit, before pino flushes `out` (an 'exit' listener put first).
 */
export function oneWritePerTurn(
  out: Destination,
  atExit: (handOver: () => void) => void = (handOver) => void process.prependListener('exit', handOver),
): Destination {
  const write = out.write.bind(out);
  const flush = out.flush.bind(out);
  const flushSync = out.flushSync.bind(out);
  let held: string[] = [];
  const hold = (line: string) => {
    if (held.length === 0) setImmediate(handOver);
    held.push(line);
    return true;
  };
  const handOver = () => {
    if (held.length === 0) return;
    const lines = held.join('');
    held = [];
    // pino stops writing to a closed pipe by replacing write: the lines held go nowhere either.
    if (out.write === hold) write(lines);
  };
  atExit(handOver);
  out.write = hold;
  out.flush = (cb?: (err?: Error) => void) => {
    handOver();
    flush(cb);
  };
  out.flushSync = () => {
    handOver();
    flushSync();
  };
  return out;
}
