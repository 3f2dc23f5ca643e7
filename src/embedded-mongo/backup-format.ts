// The backup file: the engine's whole state at one instant, in the framing of the journal and
// the snapshot (journal-format.ts: magic, length, payload CRC-32, header CRC-32, BSON), so a
// damaged byte anywhere is found by the record it falls in.
//
//   record 0      { backup: 'embedded-mongo', format: 1, createdAt, records: N, bytes: B, sha256 }
//   records 1..N  the snapshot's records: create, createIndex, i (every document)
//
// `bytes` and `sha256` cover records 1..N as written: a file cut short, grown, or with records
// damaged, swapped or left out is refused before anything is restored from it.
import { createHash } from 'node:crypto';
import { encodeRecord, MAGIC, scanRecords } from './journal-format.ts';
import type { ChangeRecord, Store } from './storage.ts';

export const BACKUP_KIND = 'embedded-mongo';
export const BACKUP_FORMAT = 1;

export interface BackupHeader {
  backup: typeof BACKUP_KIND;
  format: number;
  createdAt: Date;
  /** Records after the header. */
  records: number;
  /** Bytes after the header. */
  bytes: number;
  /** SHA-256 (hex) of the bytes after the header. */
  sha256: string;
}

/** A file restore will not use, and why, in words an operator can act on. */
export class BackupUnusableError extends Error {
  constructor(file: string, why: string) {
    super(`${file} ${why}; nothing was restored from it.`);
    this.name = 'BackupUnusableError';
  }
}

/** The store's whole state as a backup file. Synchronous: nothing changes the store meanwhile. */
export function backupBytes(store: Store, createdAt = new Date()): Buffer {
  const parts: Buffer[] = [];
  for (const record of store.snapshotRecords()) parts.push(encodeRecord(record));
  const body = Buffer.concat(parts);
  const header: BackupHeader = {
    backup: BACKUP_KIND,
    format: BACKUP_FORMAT,
    createdAt,
    records: parts.length,
    bytes: body.length,
    sha256: createHash('sha256').update(body).digest('hex'),
  };
  return Buffer.concat([encodeRecord(header), body]);
}

/** Where the record at `offset` ends, from its length field (the record may still be damaged). */
function recordEnd(buf: Buffer, offset: number): number {
  return offset + 16 + buf.readUInt32LE(offset + 4);
}

/**
 * The header and records of a backup file's bytes, every check passed; otherwise a
 * BackupUnusableError that says what is wrong and where (`file` names it in the message).
 */
export function readBackup(buf: Buffer, file: string): { header: BackupHeader; records: ChangeRecord[] } {
  const unusable = (why: string) => new BackupUnusableError(file, why);
  if (buf.length < 16 || !buf.subarray(0, 4).equals(MAGIC))
    throw unusable('is not a backup of the embedded engine (it does not begin with a backup header)');
  const records: Record<string, unknown>[] = [];
  const scan = scanRecords(buf, (record) => records.push(record));
  const header = records[0] as Partial<BackupHeader> | undefined;
  if (!header)
    throw unusable('is damaged at byte 0: its header cannot be read (the checksum does not match)');
  if (header.backup !== BACKUP_KIND)
    throw unusable('is not a backup of the embedded engine (its first record is not a backup header)');
  if (header.format !== BACKUP_FORMAT)
    throw unusable(`is in backup format ${String(header.format)}, which this version cannot read`);
  const bodyStart = recordEnd(buf, 0);
  const expectedEnd = bodyStart + Number(header.bytes);
  if (buf.length < expectedEnd)
    throw unusable(
      `is incomplete: it ends at byte ${buf.length} of ${expectedEnd} (${records.length - 1} of ` +
        `${header.records} records readable), as a copy or a backup cut short leaves it`,
    );
  if (buf.length > expectedEnd)
    throw unusable(`is damaged: it has ${buf.length - expectedEnd} bytes more than its header says`);
  if (scan.damage.length > 0)
    throw unusable(`is damaged at byte ${scan.goodEnd}: a record's checksum does not match`);
  const digest = createHash('sha256').update(buf.subarray(bodyStart)).digest('hex');
  if (digest !== header.sha256 || records.length - 1 !== header.records)
    throw unusable('is damaged: its records do not match the checksum in its header');
  return { header: header as BackupHeader, records: records.slice(1) as ChangeRecord[] };
}
