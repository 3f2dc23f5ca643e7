// The job system's bootstrap: Agenda 6 on the application's MongoDB (the `agendaJobs`
// collection), the job definitions, the periodic jobs, the domain-event listener and the
// catch-up sweep.
//
// Where jobs run (config.jobs, JOBS=...):
//   inline  the web process runs them (the default);
//   worker  the web process only queues them and sends the booking confirmation itself (the
//           manage token exists only in the process that made the booking); `npm run worker`
//           (jobs/worker.ts, role 'worker') runs them;
//   off     nothing is queued or run.
// Any number of processes may run jobs: Agenda locks each job in the database before running
// it, and each message is claimed by its notification key, so nothing is done twice.
import { hostname } from 'node:os';
import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda, backoffStrategies, InMemoryNotificationChannel, type Job } from 'agenda';
import type { Logger } from 'pino';
import type { Container } from '../src/container.ts';
import { connectedDb, databaseConnected } from '../src/db.ts';
import { RETENTION_CRON, RETENTION_RUN } from '../src/domain/retention.ts';
import { listenToDomainEvents } from './event-listener.ts';
import { catchUp } from './handlers/catch-up.ts';
import {
  retryNotification,
  sendCeremonyReminder,
  sendConfirmation,
  sendNotice,
  sendReminderBatch,
} from './handlers/messages.ts';
import { markNoShows } from './handlers/no-shows.ts';
import { reconcile, reconcileUpcomingSlots } from './handlers/reconcile.ts';
import { eraseExpiredPersonalData } from './handlers/retention.ts';
import { sendDailyRosters, sendPeakDigests } from './handlers/staff-digests.ts';
import { ceremonyUpkeep, lotteryUpkeep } from './handlers/upkeep.ts';
import type { JobContext } from './job-context.ts';
import { JOB, type JobName, type JobPayloads } from './job-names.ts';
import { createJobScheduler, type JobScheduler } from './scheduler.ts';
import { type JobSettings, type JobSettingsInput, jobSettings } from './settings.ts';

export interface JobRunner {
  healthy(): boolean;
  stop(): Promise<void>;
}

export interface JobRunnerHandle extends JobRunner {
  /** 'inline' and 'worker' run jobs; 'web' (JOBS=worker, in the web process) only queues them. */
  role: 'inline' | 'worker' | 'web';
  agenda: Agenda;
  scheduler: JobScheduler;
  context: JobContext;
  settings: JobSettings;
  /** The catch-up sweep (also run at start and periodically). */
  sweep(): Promise<number>;
}

export interface JobRunnerOptions {
  /** 'worker': this process runs the jobs whatever config.jobs says (npm run worker). */
  role?: 'worker';
  settings?: JobSettingsInput;
  /** Recorded on the jobs this process locks (lastModifiedBy). */
  name?: string;
  /** Run the catch-up sweep at start (default true). */
  sweepAtStart?: boolean;
}

const STOP_WAIT_MS = 8_000;

export async function startJobRunner(
  container: Container,
  opts: JobRunnerOptions = {},
): Promise<JobRunnerHandle | undefined> {
  const configured = container.config.jobs;
  if (configured === 'off' && opts.role !== 'worker') return undefined;
  const role: JobRunnerHandle['role'] =
    opts.role === 'worker' ? 'worker' : configured === 'worker' ? 'web' : 'inline';
  const processes = role !== 'web';
  // REMINDERS (config) sets the reminder offsets; settings passed here (tests, benchmarks) win.
  const settings = jobSettings({ reminders: container.config.reminders, ...opts.settings });
  const logger = container.logger.child({ component: 'jobs', role });
  const agenda = await openAgenda(settings, { processes, logger, ...(opts.name ? { name: opts.name } : {}) });
  const scheduler = createJobScheduler({ agenda, container, settings });
  const context: JobContext = { container, scheduler, settings, logger };
  const unsubscribe = listenToDomainEvents(container, scheduler);
  const running = { count: 0 };
  const sweep = () => catchUp(context);
  if (processes) await runJobs(agenda, context, running, opts.sweepAtStart !== false ? sweep : undefined);
  logger.info({ processEvery: settings.processEvery, transport: container.mailer.kind }, 'jobs started');

  let stopped = false;
  return {
    role,
    agenda,
    scheduler,
    context,
    settings,
    sweep,
    healthy: () => !stopped && databaseConnected(),
    async stop() {
      if (stopped) return;
      stopped = true;
      unsubscribe();
      // Unlocks the jobs this process had locked but not begun; lets running ones finish.
      await agenda.stop(false);
      const deadline = Date.now() + STOP_WAIT_MS;
      while (running.count > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    },
  };
}

/** Agenda on the application's own connection (no second pool), in the `agendaJobs` collection. */
async function openAgenda(
  settings: JobSettings,
  opts: { processes: boolean; logger: Logger; name?: string },
): Promise<Agenda> {
  const agenda = new Agenda({
    // Agenda's backend takes the driver's Db; the app's connection is reused (no second pool).
    backend: new MongoBackend({ mongo: connectedDb() as never }),
    name: opts.name ?? `${hostname()}:${process.pid}`,
    processEvery: settings.processEvery,
    maxConcurrency: settings.maxConcurrency,
    defaultConcurrency: 5,
    defaultLockLimit: 10,
    defaultLockLifetime: 10 * 60_000,
    removeOnComplete: true,
    // Jobs this process queues are picked up at once instead of at the next poll.
    ...(opts.processes ? { notificationChannel: new InMemoryNotificationChannel() } : {}),
  });
  agenda.on('error', (err: Error) => opts.logger.error({ err }, 'jobs: agenda error'));
  await agenda.ready;
  return agenda;
}

/** This process runs jobs: their definitions, the periodic ones, and the catch-up sweep at start. */
async function runJobs(
  agenda: Agenda,
  context: JobContext,
  running: { count: number },
  sweepAtStart: (() => Promise<number>) | undefined,
): Promise<void> {
  const { logger, settings } = context;
  defineJobs(
    agenda,
    context,
    () => running.count++,
    () => running.count--,
  );
  agenda.on('fail', (err: Error, job: Job) => logger.error({ err, job: job.attrs.name }, 'jobs: job failed'));
  await agenda.start();
  if (settings.periodic) await schedulePeriodic(agenda, settings);
  if (sweepAtStart)
    void sweepAtStart().catch((err: unknown) => logger.error({ err }, 'jobs: catch-up sweep failed'));
}

type Handler<N extends JobName> = (ctx: JobContext, data: JobPayloads[N]) => Promise<unknown>;

function defineJobs(agenda: Agenda, ctx: JobContext, began: () => void, ended: () => void): void {
  // A handler that throws (the database went away) is tried again later; messages that
  // failed at the SMTP server are not: they have their own retries (notification.retry).
  const backoff = backoffStrategies.exponential({
    delay: 30_000,
    factor: 2,
    maxRetries: 6,
    maxDelay: 30 * 60_000,
  });
  function define<N extends JobName>(
    name: N,
    handler: Handler<N>,
    options: { concurrency: number; retry?: boolean },
  ) {
    agenda.define<JobPayloads[N]>(
      name,
      async (job) => {
        began();
        try {
          await handler({ ...ctx, touch: () => job.touch() }, job.attrs.data);
        } finally {
          ended();
        }
      },
      {
        concurrency: options.concurrency,
        lockLimit: options.concurrency * 2,
        ...(options.retry === false ? {} : { backoff }),
      },
    );
  }
  define(JOB.confirmation, sendConfirmation, { concurrency: 5 });
  define(JOB.reminders, sendReminderBatch, { concurrency: 2 });
  define(JOB.notice, sendNotice, { concurrency: 8 });
  define(JOB.ceremonyReminder, sendCeremonyReminder, { concurrency: 4 });
  define(JOB.retry, retryNotification, { concurrency: 4 });
  define(JOB.catchUp, (c) => catchUp(c, { minAgeMs: 60_000 }), { concurrency: 1, retry: false });
  define(JOB.noShows, markNoShows, { concurrency: 1, retry: false });
  define(JOB.roster, sendDailyRosters, { concurrency: 1, retry: false });
  define(JOB.peakDigest, sendPeakDigests, { concurrency: 1, retry: false });
  define(JOB.reconcile, reconcile, { concurrency: 1, retry: false });
  define(JOB.slotCounters, reconcileUpcomingSlots, { concurrency: 1, retry: false });
  define(JOB.ceremonies, ceremonyUpkeep, { concurrency: 1, retry: false });
  define(JOB.lottery, lotteryUpkeep, { concurrency: 1, retry: false });
  define(JOB.retention, eraseExpiredPersonalData, { concurrency: 1, retry: false });
}

/** Recurring jobs are single documents: every process asks for them, one copy exists. */
async function schedulePeriodic(agenda: Agenda, settings: JobSettings): Promise<void> {
  const every = (ms: number, name: JobName, skipImmediate = false) =>
    agenda.every(ms, name, {}, { skipImmediate });
  await every(settings.intervals.catchUp, JOB.catchUp, true);
  await every(settings.intervals.noShows, JOB.noShows);
  await every(settings.intervals.roster, JOB.roster);
  await every(settings.intervals.peakDigest, JOB.peakDigest);
  await every(settings.intervals.ceremonies, JOB.ceremonies);
  await every(settings.intervals.lottery, JOB.lottery);
  await every(settings.intervals.slotCounters, JOB.slotCounters);
  await agenda.every(
    settings.reconcileCron,
    JOB.reconcile,
    {},
    { timezone: settings.reconcileZone, skipImmediate: true },
  );
  await agenda.every(
    RETENTION_CRON,
    JOB.retention,
    {},
    { timezone: RETENTION_RUN.zone, skipImmediate: true },
  );
}
