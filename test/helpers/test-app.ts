// Builds the real application against the test database with a fixed, movable clock.
import { Writable } from 'node:stream';
import type { Express, Router } from 'express';
import mongoose from 'mongoose';
import { createApp } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { type Container, createContainer } from '../../src/container.ts';
import { connectDatabase, ensureIndexes } from '../../src/db.ts';
import type { WeekdayTemplate } from '../../src/domain/schedule-types.ts';
import type { SecretKeys } from '../../src/lib/secret-keys.ts';
import { createLogger } from '../../src/logger.ts';
import { type Office, OfficeModel } from '../../src/models/office.model.ts';
import { ensureOfficeWindows } from '../../src/services/staff/capacity-sync.ts';
import { appRoutes } from '../../src/web/routes/index.ts';
import { testDbName, testMongoUri } from './mongo.ts';

export const TEST_SECRET = 'test-secret-0123456789-abcdefghijklmnop';

export interface TestClock {
  (): Date;
  set(iso: string | Date): void;
  advance(ms: number): void;
}

export function testClock(start: string | Date): TestClock {
  let now = new Date(start);
  const clock = (() => new Date(now)) as TestClock;
  clock.set = (iso) => {
    now = new Date(iso);
  };
  clock.advance = (ms) => {
    now = new Date(now.getTime() + ms);
  };
  return clock;
}

let connected = false;

/** Connects Mongoose once per process to this process's test database and builds indexes. */
export async function connectTestDatabase(): Promise<void> {
  if (connected && mongoose.connection.readyState === 1) return;
  await connectDatabase(testMongoUri(), testDbName('app'));
  await ensureIndexes();
  connected = true;
}

/** Empties every collection (indexes stay), so each test starts from a clean database. */
export async function resetDatabase(): Promise<void> {
  await connectTestDatabase();
  const db = mongoose.connection.db!;
  const collections = await db.listCollections({}, { nameOnly: true }).toArray();
  await Promise.all(
    collections.filter((c) => !c.name.startsWith('system.')).map((c) => db.collection(c.name).deleteMany({})),
  );
}

/**
 * What NODE_ENV=production cannot start without (src/config.ts), for tests that build the app
 * as production runs it: the data in the embedded engine on purpose, mail to nowhere.
 */
export const PRODUCTION_ENV: Record<string, string> = {
  NODE_ENV: 'production',
  APP_SECRET: TEST_SECRET,
  SMTP_URL: 'smtp://127.0.0.1:9',
  EMBEDDED_DB: 'true',
};

export function testConfig(overrides: Record<string, string> = {}): Readonly<Config> {
  return loadConfig({
    NODE_ENV: 'test',
    BASE_URL: 'http://localhost:3000',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '0',
    SCHEDULE_CACHE_MS: '0',
    // Texts beside e-mails are tested where they are the subject (test/integration/sms-notices*).
    SMS_NOTICES: 'false',
    ...overrides,
  });
}

export interface TestApp {
  app: Express;
  container: Container;
  clock: TestClock;
  config: Readonly<Config>;
}

export async function buildTestApp(opts: {
  now: string;
  env?: Record<string, string>;
  /** The application secret and its rotation (TEST_SECRET alone by default). */
  secrets?: SecretKeys;
}): Promise<TestApp> {
  await connectTestDatabase();
  const config = testConfig(opts.env);
  const clock = testClock(opts.now);
  const logger = createLogger(config.logLevel);
  const { secret, previousSecrets, fingerprintSecret } = opts.secrets ?? { secret: TEST_SECRET };
  const container = createContainer({
    config,
    logger,
    secret,
    ...(previousSecrets ? { previousSecrets } : {}),
    ...(fingerprintSecret ? { fingerprintSecret } : {}),
    clock,
  });
  const app = createApp({
    container,
    readiness: async () => ({ ok: true, checks: { database: true } }),
  });
  return { app, container, clock, config };
}

/** The same application with more routers mounted after its own (a probe, a deliberately broken route). */
export function appWith(t: TestApp, routers: { path: string; router: Router }[]): Express {
  return createApp(
    { container: t.container, readiness: async () => ({ ok: true, checks: {} }) },
    {
      api: appRoutes.api,
      pages(app, container) {
        appRoutes.pages(app, container);
        for (const { path, router } of routers) app.use(path, router);
      },
    },
  );
}

export const weekdays = (overrides: Partial<WeekdayTemplate> = {}): WeekdayTemplate[] =>
  [1, 2, 3, 4, 5].map((weekday) => ({
    weekday,
    sessions: [
      { start: '09:00', end: '12:00' },
      { start: '13:30', end: '17:00' },
    ],
    slotMinutes: 30,
    windowsOpen: 4,
    couplesPerWindow: 3,
    ...overrides,
  }));

/** An office as staff create one: with the windows its template uses. */
export async function createOffice(overrides: Partial<Office> = {}) {
  const office = await OfficeModel.create({
    slug: 'jinjiang',
    name: { zh: '锦江区婚姻登记处', en: 'Jinjiang District Marriage Registry' },
    address: { zh: '成都市锦江区东大街 88 号', en: '88 Dongda St, Chengdu' },
    timezone: 'Asia/Shanghai',
    documents: [{ zh: '双方身份证原件', en: 'Both ID cards' }],
    weeklyTemplate: weekdays(),
    ...overrides,
  });
  await ensureOfficeWindows(office.toObject());
  return office;
}

/**
 * The same application with its requests logged at `info` where the test reads them (each line
 * parsed), over the same container: the same services, caches, kept pages and metrics.
 */
export function appLogged(t: TestApp): { app: Express; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const app = createApp({
    container: { ...t.container, logger: createLogger('info', log) },
    readiness: async () => ({ ok: true, checks: { database: true } }),
  });
  return { app, lines };
}
