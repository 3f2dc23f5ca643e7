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
 * Standard output, written without blocking: lines logged while a write is in flight go out
 * together in the next one, so a rush's request lines cost a few writes rather than a system
 * call each, and a quiet process still writes each line at once. What is left is written when
 * the process exits (pino flushes it then).
 */
export function stdoutDestination(): DestinationStream {
  return pino.destination({ dest: 1, sync: false });
}
