// The mail server is down for a while: bookings go on (mail is never in the way of a
// booking), each confirmation is retried with backoff, and once the server is back on the
// same address every couple gets its confirmation exactly once.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import { type JobRunnerHandle, startJobRunner } from '../../jobs/runner.ts';
import { NotificationModel } from '../../src/models/notification.model.ts';
import { couple } from '../helpers/ids.ts';
import { freePort, type RunningServer, startTestServer } from '../helpers/server.ts';
import { createOffice, resetDatabase } from '../helpers/test-app.ts';

const NOW = '2026-08-03T02:00:00.000Z';
const DAY = '2026-08-10';

/** An SMTP server on a given port that keeps what it receives. */
async function smtpOn(port: number) {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    closeTimeout: 200,
    onData(stream, _session, done) {
      simpleParser(stream).then(
        (m) => {
          received.push(m);
          done();
        },
        (err: Error) => done(err),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  assert.equal((server.server.address() as AddressInfo).port, port);
  return { received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('faults: the mail server is down for a while', function () {
  this.timeout(60_000);
  let server: RunningServer | undefined;
  let runner: JobRunnerHandle | undefined;
  let smtp: Awaited<ReturnType<typeof smtpOn>> | undefined;

  beforeEach(async () => {
    await resetDatabase();
  });
  afterEach(async () => {
    await runner?.stop();
    await server?.close();
    await smtp?.close();
  });

  it('bookings go on; every confirmation is delivered once when the server is back', async () => {
    const port = await freePort(); // nothing listens there yet: connections are refused
    const app = await startTestServer({ now: NOW, env: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
    server = app;
    runner = await startJobRunner(app.container, {
      // Backoff compressed from minutes to a fraction of a second; the attempts outlast the outage.
      settings: {
        processEvery: 100,
        periodic: false,
        mail: { maxAttempts: 10, backoffMs: 150, maxBackoffMs: 600, concurrency: 4 },
      },
      name: `smtp-fault-${process.pid}`,
      sweepAtStart: false,
    });
    const officeId = (await createOffice())._id.toString();
    const couples = [couple(), couple({ language: 'en' }), couple()];
    for (const [i, c] of couples.entries()) {
      const res = await request(app.url)
        .post('/api/v1/appointments')
        .send({ officeId, date: DAY, start: ['09:00', '09:30', '10:00'][i], ...c });
      assert.equal(res.status, 201, 'a booking does not wait for the mail server');
    }

    // Every confirmation has failed at least twice against the closed port, and waits to retry.
    await until('two failed attempts per confirmation', async () => {
      const n = await NotificationModel.find({ kind: 'confirmation' }).lean();
      return n.length === 3 && n.every((x) => x.attempts >= 2 && x.status === 'retrying');
    });
    const waiting = await NotificationModel.find({ kind: 'confirmation' }).lean();
    assert.ok(
      waiting.every((n) => n.lastError),
      'the failure is recorded',
    );

    // The server comes back on the same address.
    smtp = await smtpOn(port);
    const keyOf = (m: ParsedMail) => String(m.headers.get('x-notification-key') ?? '');
    const confirmations = () => smtp!.received.filter((m) => keyOf(m).startsWith('confirmation:'));
    await until('three confirmations delivered', () => confirmations().length >= 3);
    await until(
      'every confirmation marked sent',
      async () => (await NotificationModel.countDocuments({ kind: 'confirmation', status: 'sent' })) === 3,
    );
    await new Promise((r) => setTimeout(r, 800)); // time for a duplicate to show itself
    const addressOf = (m: ParsedMail) => (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address;
    assert.deepEqual(
      confirmations().map(addressOf).sort(),
      couples.map((c) => c.email).sort(),
      'each couple once, nobody twice',
    );
    // (The test clock is behind the real one, so the reminders fell due too: no message of any kind twice.)
    const keys = smtp.received.map(keyOf);
    assert.deepEqual(keys, [...new Set(keys)], 'a message delivered twice');
    const english = confirmations().find((m) => addressOf(m) === couples[1]!.email);
    assert.match(english?.subject ?? '', /[A-Za-z]/, 'in the couple’s language');
    const sent = await NotificationModel.find({ kind: 'confirmation' }).lean();
    assert.ok(sent.every((n) => n.status === 'sent' && n.attempts >= 3 && n.lastError === undefined));
  });
});
