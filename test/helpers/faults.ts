// Shared by the fault suite (test/integration/faults-*.test.ts): a peak day to rush, couples
// pressing "book" over real HTTP, the data directory of an app that runs its own engine
// (prepared before it starts, read after it stops), and the promise every fault must keep:
// every acknowledged booking exists, slot counters equal the active bookings, and no person
// holds two active bookings.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { MongoClient } from 'mongodb';
import mongoose from 'mongoose';
import { connectDatabase, ensureIndexes } from '../../src/db.ts';
import { embeddedEnginePaths } from '../../src/embedded-engine-paths.ts';
import { startEmbeddedMongo } from '../../src/embedded-mongo/index.ts';
import { socketUri } from '../../src/embedded-mongo/private-channel.ts';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { assertCountersConsistent } from '../http/fuzz-support.ts';
import type { couple } from './ids.ts';
import { type AppProcess, startAppProcess } from './server.ts';
import { createOffice } from './test-app.ts';

export type Couple = ReturnType<typeof couple>;

/** The next weekday at least 3 days from now in Chengdu (app processes run on the real clock). */
export function peakDate(): string {
  let d = DateTime.now().setZone('Asia/Shanghai').plus({ days: 3 }).startOf('day');
  while (d.weekday > 5) d = d.plus({ days: 1 });
  return d.toISODate()!;
}

/** An office with a peak day of two 30-minute slots (09:00, 09:30) of `quota` places each. */
export async function createPeakDay(quota: number): Promise<{ officeId: string; date: string }> {
  const office = await createOffice();
  const date = peakDate();
  await DayPlanModel.create({
    office: office._id,
    date,
    kind: 'peak',
    label: { zh: '七夕', en: 'Qixi' },
    sessions: [{ start: '09:00', end: '10:00' }],
    slotMinutes: 30,
    quotaPerSlot: quota,
  });
  return { officeId: office._id.toString(), date };
}

export interface Answer {
  /** 0 when the request got no answer at all (the connection was cut). */
  status: number;
  body: { reference?: string; error?: { code?: string; message?: string } };
}

/** POST /api/v1/appointments for one couple; never throws. */
export async function book(
  url: string,
  day: { officeId: string; date: string },
  start: string,
  who: Couple,
): Promise<Answer> {
  try {
    const res = await fetch(`${url}/api/v1/appointments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ officeId: day.officeId, date: day.date, start, ...who }),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Answer['body'] };
  } catch {
    return { status: 0, body: {} };
  }
}

/** What a fault may answer a couple: a booking, a refusal they can act on, or "try again" (503). */
export function assertHonestAnswers(answers: Answer[], what: string): void {
  for (const a of answers) {
    const honest =
      a.status === 0 ||
      a.status === 201 ||
      a.status === 409 ||
      (a.status === 503 && a.body.error?.code === 'unavailable');
    assert.ok(honest, `${what}: ${a.status} ${JSON.stringify(a.body)}`);
  }
}

/** The references of the bookings that were acknowledged (201). */
export const acknowledged = (answers: Answer[]): string[] =>
  answers.filter((a) => a.status === 201).map((a) => a.body.reference!);

/**
 * Runs `work` with Mongoose connected to an engine of its own on `dataDir`/db (the app that
 * owns the directory must not be running): to prepare the data before the app starts, or to
 * read what it left after it stopped.
 */
export async function withDataDir<T>(dataDir: string, dbName: string, work: () => Promise<T>): Promise<T> {
  const engine = await startEmbeddedMongo({ port: 0, dbPath: `${dataDir}/db` });
  await mongoose.disconnect();
  try {
    await connectDatabase(engine.uri, dbName);
    await ensureIndexes();
    return await work();
  } finally {
    await mongoose.disconnect();
    await engine.stop();
  }
}

/**
 * The promise, checked on the database Mongoose is connected to: every acknowledged booking
 * exists and is active, each slot's counters equal its bookings (and two holds per active
 * booking, no stray ones), and nobody is in two active bookings.
 */
export async function assertPromiseKept(references: string[]): Promise<void> {
  const db = mongoose.connection.db!;
  const found = await db
    .collection('appointments')
    .find({ reference: { $in: references } }, { projection: { reference: 1, status: 1 } })
    .toArray();
  const active = new Set(found.filter((a) => a.status === 'booked').map((a) => a.reference as string));
  const lost = references.filter((r) => !active.has(r));
  assert.deepEqual(
    lost,
    [],
    `acknowledged bookings missing after the fault (${references.length} acknowledged)`,
  );
  await assertCountersConsistent();
  const twice = await db
    .collection('appointments')
    .aggregate([
      { $match: { status: { $in: ['booked', 'arrived'] } } },
      { $unwind: '$partners' },
      { $group: { _id: '$partners.idFingerprint', n: { $sum: 1 } } },
      { $match: { n: { $gt: 1 } } },
    ])
    .toArray();
  assert.deepEqual(twice, [], 'a person holds two active bookings');
}

/** Polls `probe` until it answers something other than undefined. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 40_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The engine's process id, from the app's log line that announces it (LOG_LEVEL=info). */
export function enginePidIn(output: string): number | undefined {
  const pids = [...output.matchAll(/"enginePid":(\d+)/g)].map((m) => Number(m[1]));
  return pids.at(-1);
}

/**
 * The app as `npm start` runs it, with its own engine on a data directory of the suite's own,
 * for a fault suite that kills processes (a real MongoDB is not killed: the suite is skipped
 * with TEST_MONGODB_URI). `start()` starts an app process on it; after the suite the last one
 * is killed and the directory removed. A test that fails prints the last lines each app
 * process wrote (logs, the engine's restarts, errors), so a failure seen once under load can
 * be read without running it again.
 */
export function appOnItsOwnEngine(dbName: string) {
  const fixture = {
    dataDir: '',
    app: undefined as AppProcess | undefined,
    started: [] as AppProcess[],
    async start(): Promise<AppProcess> {
      const one = await startAppProcess({ dbName, env: { DATA_DIR: fixture.dataDir, LOG_LEVEL: 'info' } });
      fixture.started.push(one);
      fixture.app = one;
      return one;
    },
  };
  before(function () {
    if (process.env.TEST_MONGODB_URI) this.skip();
    fixture.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${dbName}-`));
  });
  after(async () => {
    await fixture.app?.kill('SIGKILL');
    if (fixture.dataDir) fs.rmSync(fixture.dataDir, { recursive: true, force: true });
  });
  afterEach(function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const [i, one] of fixture.started.entries()) {
      // Request lines are many and alike: the other lines say what happened.
      const lines = one.output().split('\n');
      const requests = lines.filter((l) => l.includes('"request completed"')).length;
      const tail = lines.filter((l) => !l.includes('"request completed"')).slice(-60);
      console.error(`--- app process ${i + 1} (${requests} requests answered), its last lines ---`);
      console.error(tail.join('\n'));
    }
  });
  return fixture;
}

/** Whether the engine on a data directory answers a ping by itself, said for a failure's message. */
export async function engineAnswers(dataDir: string): Promise<string> {
  const { socket } = embeddedEnginePaths(dataDir);
  if (!socket) return 'the engine socket path is too long to check';
  const client = new MongoClient(socketUri(socket), { serverSelectionTimeoutMS: 5_000 });
  try {
    await client.db('admin').command({ ping: 1 });
    return 'the engine answers a ping by itself';
  } catch (err) {
    return `the engine does not answer by itself: ${(err as Error).message}`;
  } finally {
    await client.close().catch(() => undefined);
  }
}
