// How the journal and the snapshot lay their records out on disk, and how they are read back.
//
// Format 2, written by this version: each record is
//   magic           4 bytes   C7 4A 52 4E
//   length          uint32 LE of the payload
//   payload CRC-32  uint32 LE
//   header CRC-32   uint32 LE of the 12 bytes before it
//   payload         BSON
// The magic and the header's own checksum let a reader find the next intact record after a
// damaged one, so damage in the middle of a file (refused at start: records after it would be
// lost) is told apart from a write cut short at the very end (dropped: never acknowledged).
//
// Format 1, written by earlier versions (existing `./data/db` directories): uint32 LE length,
// uint32 LE CRC-32 of the payload, BSON payload. It is still read, and resynchronised on by
// the BSON document's own leading length; nothing is ever appended to a file in format 1.
import zlib from 'node:zlib';
import { BSON } from 'bson';
import { fromBson } from './numbers.ts';
import { BSON_DESERIALIZE_OPTIONS } from './values.ts';

export const MAGIC = Buffer.from([0xc7, 0x4a, 0x52, 0x4e]);
const HEADER_V2 = 16;
const HEADER_V1 = 8;
/** No record holds more than one document (16 MiB) and a little framing. */
const MAX_PAYLOAD = 17 * 1024 * 1024;
/** The smallest BSON document: its length and its terminating zero. */
const MIN_PAYLOAD = 5;

export type Format = 1 | 2;

/** A file's format, from its first bytes (an empty file is written in the current one). */
export function formatOf(buf: Buffer): Format {
  return buf.length === 0 || buf.subarray(0, 4).equals(MAGIC) ? 2 : 1;
}

/** One record in format 2. */
export function encodeRecord(record: object): Buffer {
  const payload = BSON.serialize(record, { ignoreUndefined: true });
  const out = Buffer.allocUnsafe(HEADER_V2 + payload.length);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(payload.length, 4);
  out.writeUInt32LE(zlib.crc32(payload), 8);
  out.writeUInt32LE(zlib.crc32(out.subarray(0, 12)), 12);
  out.set(payload, HEADER_V2);
  return out;
}

/** The payload of the whole, intact record at `offset`, and where the record ends; null if there is none. */
function recordAt(buf: Buffer, offset: number, format: Format): { payload: Buffer; end: number } | null {
  const header = format === 2 ? HEADER_V2 : HEADER_V1;
  if (offset + header > buf.length) return null;
  let len: number;
  let crc: number;
  if (format === 2) {
    if (buf[offset] !== MAGIC[0] || !buf.subarray(offset, offset + 4).equals(MAGIC)) return null;
    if (zlib.crc32(buf.subarray(offset, offset + 12)) !== buf.readUInt32LE(offset + 12)) return null;
    len = buf.readUInt32LE(offset + 4);
    crc = buf.readUInt32LE(offset + 8);
  } else {
    len = buf.readUInt32LE(offset);
    crc = buf.readUInt32LE(offset + 4);
  }
  const end = offset + header + len;
  if (len < MIN_PAYLOAD || len > MAX_PAYLOAD || end > buf.length) return null;
  const payload = buf.subarray(offset + header, end);
  // A BSON document starts with its own length: in format 1 that is what makes a guess safe.
  if (payload.readInt32LE(0) !== len || zlib.crc32(payload) !== crc) return null;
  return { payload, end };
}

/** Where the next whole, intact record after `from` starts, or -1 when none does. */
export function nextRecordAfter(buf: Buffer, from: number, format: Format): number {
  for (let at = from + 1; at < buf.length; at++) {
    if (format === 2) {
      at = buf.indexOf(MAGIC, at);
      if (at < 0) return -1;
    }
    if (readAt(buf, at, format)) return at;
  }
  return -1;
}

/** The record at `offset` and where it ends, when it is whole, intact and decodes. */
function readAt(
  buf: Buffer,
  offset: number,
  format: Format,
): { record: Record<string, unknown>; end: number } | null {
  const found = recordAt(buf, offset, format);
  if (!found) return null;
  try {
    return { record: fromBson(BSON.deserialize(found.payload, BSON_DESERIALIZE_OPTIONS)), end: found.end };
  } catch {
    return null;
  }
}

/** A stretch of a file that holds no readable record: from `offset` up to `end`. */
export interface Damage {
  offset: number;
  end: number;
}

export interface FileScan {
  format: Format;
  /** Records read, in order. */
  records: number;
  /** End of the last record read before the first damage (the file's length when none). */
  goodEnd: number;
  /** Unreadable stretches; the last one may run to the end of the file. */
  damage: Damage[];
  /** True when the first damage runs to the end of the file with no record after it: a torn tail. */
  tornTail: boolean;
}

/**
 * Reads a file's records in order, handing each to `onRecord`. At the first damage it stops
 * (and says whether any readable record follows it), unless `skipDamage` is set: then it goes
 * on from the next intact record, as a repair does, and reports every damaged stretch.
 */
export function scanRecords(
  buf: Buffer,
  onRecord: (record: Record<string, unknown>) => void,
  opts: { skipDamage?: boolean } = {},
): FileScan {
  const format = formatOf(buf);
  const scan: FileScan = { format, records: 0, goodEnd: buf.length, damage: [], tornTail: false };
  let offset = 0;
  while (offset < buf.length) {
    const read = readAt(buf, offset, format);
    if (read) {
      onRecord(read.record);
      scan.records++;
      offset = read.end;
      continue;
    }
    const next = nextRecordAfter(buf, offset, format);
    if (scan.damage.length === 0) {
      scan.goodEnd = offset;
      scan.tornTail = next < 0;
    }
    scan.damage.push({ offset, end: next < 0 ? buf.length : next });
    if (next < 0 || !opts.skipDamage) break;
    offset = next;
  }
  return scan;
}
