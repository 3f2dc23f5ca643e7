// Where the app's own embedded engine lives under DATA_DIR: what `npm start` starts it on
// (src/boot.ts) and where `npm run backup` and `npm run restore` find it.
import path from 'node:path';
import { fittingSocketPath } from './embedded-mongo/private-channel.ts';

export interface EmbeddedEnginePaths {
  /** $DATA_DIR/db: the data directory. */
  dbPath: string;
  /** $DATA_DIR/run: the private directory of its socket. */
  runDir: string;
  /**
   * $DATA_DIR/run/mongod.sock; undefined when that path is too long for a socket, and the
   * engine listens on a temporary one instead (the app logs it at start).
   */
  socket: string | undefined;
}

export function embeddedEnginePaths(dataDir: string): EmbeddedEnginePaths {
  const runDir = path.join(dataDir, 'run');
  return { dbPath: path.join(dataDir, 'db'), runDir, socket: fittingSocketPath(runDir) };
}
