// Boot: config -> database (embedded engine or MONGODB_URI) -> container -> app -> listen,
// and a graceful, bounded shutdown on SIGTERM/SIGINT.
import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { startJobRunner } from '../jobs/runner.ts';
import { createApp, createMetricsApp } from './app.ts';
import { configOrExit, connectAndCompose, databaseUri } from './boot.ts';
import type { Config } from './config.ts';
import type { Container } from './container.ts';
import { databaseReachable, disconnectDatabase } from './db.ts';
import { createLogger, stdoutDestination } from './logger.ts';
import { seed } from './seed/index.ts';

async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel, stdoutDestination());
  const { uri, engine } = await databaseUri(config, logger);
  const container = await connectAndCompose(config, logger, uri);
  await seed(container, { now: new Date(), log: (line) => logger.info(line) }, { demo: config.seedDemo });
  // Before the first booking (and before the jobs, which book lottery winners): holds and
  // counters left by a process killed mid-booking are put right.
  const reconcile = async (alone: boolean) => {
    const report = await container.services.maintenance.reconcileBeforeBooking({ alone, logger });
    if (report.holds.released || report.holds.restored || report.slots.repaired)
      logger.warn(report, 'reconciled before booking');
  };
  await reconcile(Boolean(engine));
  // The embedded engine was restarted under the running app: writes in flight when it died
  // had no answer, and may hold places nobody has.
  engine?.onEvent((event) => {
    if (event.type !== 'restarted') return;
    void reconcile(false).catch((err: unknown) =>
      logger.error({ err }, 'reconciliation after the engine restart failed'),
    );
  });
  // Background jobs, in this process unless JOBS=worker or JOBS=off.
  const jobs = await startJobRunner(container);

  const app = createApp({
    container,
    readiness: async () => {
      // A supervised engine known to be down: no need to ask the driver.
      const db = (engine?.running() ?? true) && (await databaseReachable(container.storage));
      const jobsOk = jobs ? jobs.healthy() : true;
      return { ok: db && jobsOk, checks: { database: db, jobs: jobsOk } };
    },
  });

  const servers = listen(config, logger, app, container);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    await closeAll(servers);
    await jobs?.stop().catch((err: unknown) => logger.error({ err }, 'stopping jobs failed'));
    container.mailer.close();
    await disconnectDatabase();
    await engine?.stop().catch(() => undefined);
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** The app on PORT and, with METRICS_PORT, the scraper's page on a port of its own (same host), not on PORT. */
function listen(config: Readonly<Config>, logger: Logger, app: Express, container: Container): Server[] {
  const server = app.listen(config.port, config.host, () => {
    logger.info(`listening on ${config.baseUrl}`);
    console.log(`\n  Registry scheduler is running: ${config.baseUrl}\n`);
  });
  if (config.metricsPort === undefined) return [server];
  const metrics = createMetricsApp(container).listen(config.metricsPort, config.host, () =>
    logger.info({ port: config.metricsPort, host: config.host }, 'metrics listening'),
  );
  return [server, metrics];
}

/** Stops accepting connections and waits for those in flight (idle ones are closed at once). */
async function closeAll(servers: Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeIdleConnections();
        }),
    ),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
