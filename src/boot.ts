// The start-up steps shared by the web server, the job worker and the seed script.
import type { Logger } from 'pino';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { type Container, createContainer } from './container.ts';
import { applicationSecret, connectDatabase, ensureIndexes, idFingerprintSecret } from './db.ts';
import { embeddedEnginePaths } from './embedded-engine-paths.ts';
import { socketPathIn } from './embedded-mongo/index.ts';
import { type SupervisedEngine, superviseEmbeddedMongo } from './embedded-mongo/supervisor.ts';

/** The validated configuration, or a message naming every bad variable and exit status 2. */
export function configOrExit(): Readonly<Config> {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}

/**
 * MONGODB_URI, or else the embedded engine started in a child process on $DATA_DIR/db and
 * kept running: should it exit, it is restarted on the same socket (logged) and the driver
 * reconnects by itself. The app reaches it on a Unix-domain socket in $DATA_DIR/run, a
 * directory only this OS user can open: the engine has no authentication, and a TCP port
 * would let any local user in.
 */
export async function databaseUri(
  config: Readonly<Config>,
  logger: Logger,
): Promise<{ uri: string; engine?: SupervisedEngine }> {
  if (config.mongodbUri) return { uri: config.mongodbUri };
  const { dbPath, runDir } = embeddedEnginePaths(config.dataDir);
  const engine = await superviseEmbeddedMongo({
    socket: socketPathIn(runDir),
    dbPath,
    logger: (line) => logger.info({ component: 'engine' }, line),
  });
  engine.onEvent((event) => {
    if (event.type === 'restarted')
      logger.warn({ enginePid: event.pid, attempt: event.attempt }, 'embedded engine restarted');
    else if (event.type === 'exited')
      logger.error(
        { enginePid: event.pid, code: event.code, signal: event.signal, restartInMs: event.restartInMs },
        'embedded engine exited; restarting it',
      );
    else
      logger.error(
        { attempt: event.attempt, error: event.error, retryInMs: event.retryInMs },
        'embedded engine could not be restarted; trying again',
      );
  });
  logger.info(
    { dbPath, enginePid: engine.pid(), socket: engine.socket },
    'embedded MongoDB-compatible engine started (set MONGODB_URI to use a real MongoDB)',
  );
  return { uri: engine.uri, engine };
}

/** Connects, builds the indexes (the unique ones carry invariants), and wires the application. */
export async function connectAndCompose(
  config: Readonly<Config>,
  logger: Logger,
  uri: string,
): Promise<Container> {
  await connectDatabase(uri, config.mongodbDb);
  await ensureIndexes();
  const secret = await applicationSecret(config.appSecret);
  const fingerprintSecret = await idFingerprintSecret(config.idFingerprintSecret, secret);
  return createContainer({
    config,
    logger,
    secret,
    previousSecrets: config.appSecretPrevious,
    fingerprintSecret,
  });
}
