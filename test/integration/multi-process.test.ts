// Many processes, one database, as production runs them: two web processes (JOBS=worker) and
// one job worker (`npm run worker`'s entry), each a real process on real sockets, against one
// database: the embedded engine started once in a process of its own (both apps given its
// MONGODB_URI), or a real MongoDB when TEST_MONGODB_URI is set. Whatever process a request
// reaches, the application keeps the promises of one: no slot oversold, one allowance per limit,
// each job run once, staff changes seen everywhere within SCHEDULE_CACHE_MS, one sign-in for all.
import assert from 'node:assert/strict';
import * as cheerio from 'cheerio';
import mongoose from 'mongoose';
import { connectDatabase, ensureIndexes } from '../../src/db.ts';
import { type Answer, book, createPeakDay } from '../helpers/faults.ts';
import { couple } from '../helpers/ids.ts';
import { testMongoUri } from '../helpers/mongo.ts';
import {
  type AppProcess,
  type SpawnedEngine,
  spawnEngine,
  startAppProcess,
  startWorkerProcess,
} from '../helpers/server.ts';
import { createUser, PASSWORD } from '../http/staff-fixtures.ts';
import { header, type SmtpSink, startSmtpSink, waitFor } from './jobs-fixtures.ts';

const DB = `multiproc_${process.pid}`;
const CACHE_MS = 1_000;
const SEATS = 7;

/** A browser's cookies, kept by hand: fetch keeps none. */
class Cookies {
  private readonly jar = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      this.jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  }
  header(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

async function page(url: string, cookies: Cookies): Promise<{ status: number; $: cheerio.CheerioAPI }> {
  const res = await fetch(url, { headers: { cookie: cookies.header() }, redirect: 'manual' });
  cookies.take(res);
  return { status: res.status, $: cheerio.load(await res.text()) };
}

async function postForm(url: string, cookies: Cookies, form: Record<string, string>): Promise<Response> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { cookie: cookies.header(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
  cookies.take(res);
  return res;
}

describe('many processes, one database: two web processes and a worker', function () {
  this.timeout(300_000);
  let engine: SpawnedEngine | undefined;
  let uri: string;
  let sink: SmtpSink;
  const apps: AppProcess[] = [];
  let worker: Awaited<ReturnType<typeof startWorkerProcess>> | undefined;
  let day: { officeId: string; date: string };

  before(async () => {
    // One database server for every process: a real MongoDB, or the engine in a process of its own.
    if (process.env.TEST_MONGODB_URI) uri = testMongoUri();
    else {
      engine = await spawnEngine();
      uri = engine.uri;
    }
    await mongoose.disconnect();
    await connectDatabase(uri, DB);
    await mongoose.connection.db!.dropDatabase();
    await ensureIndexes();
    day = await createPeakDay(SEATS);
    await createUser('admin@example.com', 'admin', []);
    sink = await startSmtpSink();
    const env = { JOBS: 'worker', SMTP_URL: sink.url, SCHEDULE_CACHE_MS: String(CACHE_MS) };
    // One after the other: on a busy machine, three starts at once can take minutes.
    const common = { mongodbUri: uri, dbName: DB, startMs: 120_000 };
    for (let i = 0; i < 2; i++) apps.push(await startAppProcess({ ...common, env }));
    worker = await startWorkerProcess({ ...common, env: { SMTP_URL: sink.url } });
  });

  after(async () => {
    await Promise.all([...apps.map((a) => a.kill()), worker?.kill()]);
    await sink?.close();
    if (mongoose.connection.readyState === 1) await mongoose.connection.db!.dropDatabase();
    await mongoose.disconnect();
    await engine?.dispose();
  });

  const appFor = (i: number) => apps[i % 2]!.url;

  it('books exactly the seven places of a slot for 300 couples pressing "book" at once on both', async () => {
    const answers: Answer[] = await Promise.all(
      Array.from({ length: 300 }, (_, i) => book(appFor(i), day, '09:00', couple())),
    );
    const statuses = answers.map((a) => a.status);
    assert.equal(statuses.filter((s) => s === 201).length, SEATS, JSON.stringify(answers.slice(0, 3)));
    assert.equal(statuses.filter((s) => s === 409).length, 300 - SEATS);
    for (const a of answers.filter((x) => x.status === 409)) assert.equal(a.body.error?.code, 'slot_full');
    const db = mongoose.connection.db!;
    assert.equal(await db.collection('appointments').countDocuments({ status: 'booked' }), SEATS);
    const slot = await db.collection('slots').findOne({ date: day.date, start: '09:00' });
    assert.deepEqual([slot?.booked, slot?.remaining], [SEATS, 0]);
  });

  it('spends one allowance per reference and per pair of ID numbers across both processes', async () => {
    const booked = await book(appFor(0), day, '09:30', couple());
    assert.equal(booked.status, 201);
    const reference = booked.body.reference!;
    const token = (booked.body as { manageToken?: string }).manageToken!;
    const lookUp = (i: number, bearer: string) =>
      fetch(`${appFor(i)}/api/v1/appointments/${reference}`, {
        headers: { authorization: `Bearer ${bearer}` },
      });
    // Five wrong tokens in all from this address, alternately on each process; the sixth is refused.
    for (let i = 0; i < 5; i++)
      assert.equal((await lookUp(i, `wrong-${i}`.padEnd(43, 'x'))).status, 404, `wrong token ${i + 1}`);
    assert.equal((await lookUp(5, 'wrong-5'.padEnd(43, 'x'))).status, 429, 'the sixth, on the other process');
    assert.equal((await lookUp(6, 'wrong-6'.padEnd(43, 'x'))).status, 429);
    for (const i of [0, 1]) assert.equal((await lookUp(i, token)).status, 200, 'the holder is never refused');

    // Twenty booking attempts for one pair of ID numbers, on either process; the twenty-first is
    // refused. They ask for a slot with places (booked, then "already booked"): asking for a slot
    // remembered full is answered before the attempt is counted.
    const same = couple();
    for (let i = 0; i < 20; i++)
      assert.notEqual((await book(appFor(i), day, '09:30', same)).status, 429, `attempt ${i + 1}`);
    const refused = await book(appFor(20), day, '09:30', same);
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error?.code, 'rate_limited');
  });

  it('runs each job once: every confirmation and every reminder reaches the couple once', async () => {
    const db = mongoose.connection.db!;
    const booked = await db.collection('appointments').countDocuments({ status: 'booked' });
    // The web processes send confirmations themselves (only they know the manage link).
    await sink.waitForMessages(booked, 30_000);
    // The reminders are queued for the days before; let them come due now, as real time would.
    const released = await db
      .collection('agendaJobs')
      .updateMany({ name: 'appointment.reminders' }, { $set: { nextRunAt: new Date() } });
    assert.equal(released.modifiedCount, 2, 'one job per office and reminder time');
    await waitFor(
      async () =>
        (await db
          .collection('agendaJobs')
          .countDocuments({ name: 'appointment.reminders', lastFinishedAt: { $exists: true } })) === 2,
      60_000,
      () => 'the worker to finish both reminder jobs',
    );
    const couples = () =>
      sink.messages
        .map((m) => header(m, 'x-notification-key'))
        .filter((k) => /^(confirmation|reminder):/.test(k));
    await waitFor(
      () => couples().length >= booked * 3,
      30_000,
      () => couples().join('\n'),
    );
    const keys = couples();
    assert.equal(keys.length, booked * 3, keys.join('\n'));
    assert.equal(keys.filter((k) => k.startsWith('reminder:')).length, booked * 2);
    // Staff get their digests too (the worker's periodic jobs): each once as well.
    const all = sink.messages.map((m) => header(m, 'x-notification-key'));
    assert.equal(new Set(all).size, all.length, `a message sent twice:\n${all.join('\n')}`);
    const runs = await db.collection('agendaJobs').find({ name: 'appointment.reminders' }).toArray();
    for (const job of runs) assert.equal(job.nextRunAt, null, 'a one-off job runs once');
  });

  it('signs staff in once for both processes, and shows a change made through one on the other within SCHEDULE_CACHE_MS', async () => {
    const [a, b] = apps.map((x) => x.url) as [string, string];
    const cookies = new Cookies();
    const login = await page(`${a}/staff/login`, cookies);
    const signedIn = await postForm(`${a}/staff/login`, cookies, {
      _csrf: String(login.$('input[name=_csrf]').val()),
      email: 'admin@example.com',
      password: PASSWORD,
    });
    assert.equal(signedIn.status, 303);
    assert.equal(signedIn.headers.get('location'), '/staff');
    // The session made by the first process opens the console on the second.
    const officePage = await page(`${b}/staff/offices/${day.officeId}`, cookies);
    assert.equal(officePage.status, 200, 'the session is valid on the other process');
    assert.equal(officePage.$('input[name=nameEn]').val(), 'Jinjiang District Marriage Registry');

    // The second process has the office in its cache; the change is made through the first.
    const publicPage = async (url: string) =>
      (await page(`${url}/offices/jinjiang?lang=en`, new Cookies())).$;
    assert.match((await publicPage(b))('h1').text(), /Jinjiang District Marriage Registry/);
    const form = (await page(`${a}/staff/offices/${day.officeId}`, cookies)).$;
    const details = form('form[action$="/details"]');
    const fields: Record<string, string> = {};
    for (const el of details.find('input[name], textarea[name], select[name]').toArray()) {
      const $el = form(el);
      const name = $el.attr('name')!;
      if ($el.attr('type') === 'checkbox') {
        if ($el.is(':checked')) fields[name] = String($el.val() ?? 'on');
      } else fields[name] = el.tagName === 'textarea' ? $el.text() : String($el.val() ?? '');
    }
    fields.nameEn = 'Jinjiang Registry, renamed';
    const changed = await postForm(`${a}/staff/offices/${day.officeId}/details`, cookies, fields);
    assert.equal(changed.status, 303);
    const changedAt = Date.now();
    // Whatever the second process had cached was read before the change: it is gone after CACHE_MS.
    await new Promise((r) => setTimeout(r, Math.max(0, changedAt + CACHE_MS + 1 - Date.now())));
    assert.match((await publicPage(b))('h1').text(), /Jinjiang Registry, renamed/);
  });
});
