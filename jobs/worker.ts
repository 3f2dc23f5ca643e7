// `npm run worker`: background jobs in their own process, beside web processes started with
// JOBS=worker. It needs the same database as the web processes, so MONGODB_URI must be set
// (the embedded engine lives inside one web process and cannot be shared).
import { configOrExit, connectAndCompose } from '../src/boot.ts';
import { disconnectDatabase } from '../src/db.ts';
import { createLogger } from '../src/logger.ts';
import { startJobRunner } from './runner.ts';

async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel);
  if (!config.mongodbUri) {
    console.error(
      'npm run worker needs MONGODB_URI: the web processes and the worker must share one database.\n' +
        'Without it, leave JOBS unset (jobs run inside the web process).',
    );
    process.exit(2);
  }
  const container = await connectAndCompose(config, logger, config.mongodbUri);
  const runner = await startJobRunner(container, { role: 'worker' });
  logger.info('job worker running');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker shutting down');
    const force = setTimeout(() => process.exit(1), config.shutdownTimeoutMs);
    force.unref();
    await runner?.stop().catch((err: unknown) => logger.error({ err }, 'stopping jobs failed'));
    container.mailer.close();
    await disconnectDatabase();
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
