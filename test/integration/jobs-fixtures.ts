// Shared set-up of the job and mail tests: a real SMTP server on 127.0.0.1 (smtp-server)
// whose messages are parsed back (mailparser), the application with its job runner on the
// test database, and a way to let the runner reach jobs due at the test clock's time.
//
// The application decides with its clock (the test clock, years ahead); Agenda runs a job
// when the real time passes its nextRunAt. `releaseDueJobs(clock)` hands Agenda the jobs due
// by the test clock, as if real time had reached it: nothing in the application is bypassed.
import { type ParsedMail, simpleParser } from 'mailparser';
import mongoose from 'mongoose';
import { SMTPServer } from 'smtp-server';
import { type JobRunnerHandle, startJobRunner } from '../../jobs/runner.ts';
import type { JobSettingsInput } from '../../jobs/settings.ts';
import { couple } from '../helpers/ids.ts';
import { buildTestApp, type TestApp } from '../helpers/test-app.ts';

/** Monday 9 June 2031, 10:00 in Chengdu (02:00 UTC): years ahead, so no job is due in real time. */
export const NOW = '2031-06-09T02:00:00.000Z';
/** Wednesday 11 June 2031, a working day two days later. */
export const DAY = '2031-06-11';

export interface SmtpSink {
  url: string;
  port: number;
  messages: ParsedMail[];
  /** Refusals given so far (RCPT TO answered with a 4xx or 5xx). */
  refusals: number;
  waitForMessages(n: number, timeoutMs?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

/**
 * A local SMTP server. `refuse(n)` is asked for every recipient (n counts from 1) and may
 * answer with an SMTP code to refuse it (451: try again later; 550: mailbox unknown).
 */
export async function startSmtpSink(
  opts: { refuse?: (n: number, to: string) => number | null } = {},
): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  let recipients = 0;
  const sink = {
    refusals: 0,
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    // Clients that keep a pooled connection open must not hold the test up at close.
    closeTimeout: 200,
    onRcptTo(address, _session, callback) {
      recipients++;
      const code = opts.refuse?.(recipients, address.address) ?? null;
      if (code) {
        sink.refusals++;
        const err = new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later') as Error & {
          responseCode: number;
        };
        err.responseCode = code;
        return callback(err);
      }
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          messages.push(parsed);
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    get refusals() {
      return sink.refusals;
    },
    async waitForMessages(n, timeoutMs = 15_000) {
      await waitFor(
        () => messages.length >= n,
        timeoutMs,
        () => `${messages.length} of ${n} messages arrived`,
      );
      return messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  } as SmtpSink;
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  describe: () => string = () => 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${describe()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Settings for tests: a short poll and a short backoff, periodic jobs off unless asked. */
export const TEST_JOB_SETTINGS: JobSettingsInput = {
  processEvery: 100,
  periodic: false,
  reconcileSettleMs: 0,
  holdRepairMinAgeMs: 0,
  mail: { maxAttempts: 3, backoffMs: 50, maxBackoffMs: 200, concurrency: 4 },
};

export interface JobWorld extends TestApp {
  runner: JobRunnerHandle;
}

/** The real app (for HTTP requests) and its job runner, sending to `smtpUrl` (or the outbox). */
export async function startJobWorld(
  opts: { now?: string; smtpUrl?: string; settings?: JobSettingsInput; env?: Record<string, string> } = {},
): Promise<JobWorld> {
  const t = await buildTestApp({
    now: opts.now ?? NOW,
    env: { ...(opts.smtpUrl ? { SMTP_URL: opts.smtpUrl } : {}), ...opts.env },
  });
  const runner = await startJobRunner(t.container, {
    settings: { ...TEST_JOB_SETTINGS, ...opts.settings },
    name: `test-${process.pid}`,
  });
  if (!runner) throw new Error('job runner did not start');
  return { ...t, runner };
}

export async function stopJobWorld(world: JobWorld | undefined): Promise<void> {
  if (!world) return;
  await world.runner.stop();
  world.container.mailer.close();
}

/** Jobs due by the test clock are given to Agenda now (their nextRunAt moves to real now). */
export async function releaseDueJobs(clockNow: Date): Promise<number> {
  const res = await mongoose.connection
    .db!.collection('agendaJobs')
    .updateMany({ nextRunAt: { $lte: clockNow, $gt: new Date() } }, { $set: { nextRunAt: new Date() } });
  return res.modifiedCount;
}

export async function jobsNamed(name: string) {
  return mongoose.connection.db!.collection('agendaJobs').find({ name }).sort({ nextRunAt: 1 }).toArray();
}

/** Books through the real booking service (the path the forms and the API take). */
export async function book(
  world: TestApp,
  officeId: string,
  start: string,
  opts: { date?: string; language?: 'zh-CN' | 'en'; email?: string } = {},
) {
  const c = couple({
    ...(opts.language ? { language: opts.language } : {}),
    ...(opts.email ? { email: opts.email } : {}),
  });
  return world.container.services.booking.book({
    officeId,
    date: opts.date ?? DAY,
    start,
    partners: c.partners,
    email: c.email,
    language: c.language,
    channel: 'online',
  });
}

/** The text of a parsed message, whitespace collapsed. */
export function textOf(m: ParsedMail): string {
  return (m.text ?? '').replace(/\s+/g, ' ');
}

export function header(m: ParsedMail, name: string): string {
  const v = m.headers.get(name.toLowerCase());
  return typeof v === 'string' ? v : String(v ?? '');
}
