// `npm run mongo:embedded -- --repair --dbpath DIR`: recovers a data directory the engine
// refuses to open because a record in the middle of a file is damaged. A copy of every data
// file is kept first (DIR/damaged-<time>/); then every intact record — those after the damage
// included — is read, and the result is written as a new snapshot with an empty journal.
// Written so that a crash at any point leaves either the old files or the repaired ones.
import fs from 'node:fs';
import path from 'node:path';
import {
  acquireLock,
  fsyncDir,
  journalGenerations,
  journalPath,
  replay,
  SNAPSHOT,
  snapshotBuffer,
  writeDurably,
} from './journal.ts';
import { Store } from './storage.ts';

export interface RepairResult {
  /** Records recovered. */
  records: number;
  /** Unreadable stretches left out, by file and byte range. */
  damaged: { file: string; offset: number; end: number }[];
  /** Intact records that could not be applied over what was lost (e.g. a unique key taken). */
  conflicts: number;
  /** Where the copy of the previous files is, or null when nothing needed repairing. */
  backup: string | null;
}

export function repairDataDirectory(
  dir: string,
  log: (line: string) => void = () => undefined,
): RepairResult {
  if (!fs.existsSync(dir)) throw new Error(`no data directory at ${path.resolve(dir)}`);
  const release = acquireLock(dir);
  try {
    const store = new Store();
    const report = replay(dir, store, log, { skipDamage: true });
    const result: RepairResult = {
      records: report.records,
      damaged: report.damaged,
      conflicts: report.conflicts,
      backup: null,
    };
    if (report.damaged.length === 0 && report.conflicts === 0) return result;

    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const backup = path.join(dir, `damaged-${stamp}`);
    fs.mkdirSync(backup);
    for (const file of report.files) fs.copyFileSync(file, path.join(backup, path.basename(file)));
    fsyncDir(backup);
    result.backup = backup;

    // The repaired state becomes snapshot G (newer than any file there), with journal G empty.
    const generation = Math.max(report.generation, ...journalGenerations(dir)) + 1;
    writeDurably(journalPath(dir, generation), Buffer.alloc(0));
    const tmp = path.join(dir, `${SNAPSHOT}.repair`);
    writeDurably(tmp, snapshotBuffer(store, generation));
    fs.renameSync(tmp, path.join(dir, SNAPSHOT));
    fsyncDir(dir);
    for (const gen of journalGenerations(dir)) {
      if (gen < generation) fs.rmSync(journalPath(dir, gen), { force: true });
    }
    return result;
  } finally {
    release();
  }
}
