// What `npm run backup` and `npm run restore` share: where the data lives (DATA_DIR,
// MONGODB_URI), read like the app reads it but without what only a serving app needs (a
// secret, mail, a public URL), and one way to stop with a message.
import { ConfigError, loadStorageConfig, type StorageConfig } from '../src/config.ts';

/** Prints `message` on stderr and exits: 1 when the work failed, 2 when it was asked wrongly. */
export function fail(message: string, status: 1 | 2 = 1): never {
  console.error(message);
  process.exit(status);
}

export function storageConfigOrExit(): Readonly<StorageConfig> {
  try {
    return loadStorageConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 2);
    throw err;
  }
}
