// MongoDB wire protocol framing: OP_MSG (kind 0 body, kind 1 document sequences, moreToCome,
// checksum), legacy OP_QUERY (handshake) answered with OP_REPLY.
import { BSON, type Document } from 'bson';
import { BSON_DESERIALIZE_OPTIONS as deserializeOptions } from './values.ts';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

export const MSG_CHECKSUM_PRESENT = 1;
export const MSG_MORE_TO_COME = 2;

export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_MESSAGE_SIZE = 48_000_000;
export const MAX_WRITE_BATCH_SIZE = 100_000;

export class ProtocolError extends Error {}

/** A message announced a length outside 16..MAX_MESSAGE_SIZE: the connection cannot be read further. */
export class MessageLengthError extends ProtocolError {
  constructor(
    readonly length: number,
    /** The request's id, when its header had arrived: the refusal answers it. */
    readonly requestId: number | undefined,
  ) {
    super(`invalid message length ${length}`);
  }
}

/**
 * Splits one connection's byte stream into whole messages. It holds the bytes of at most one
 * unfinished message (`pending`), whose announced length is checked as soon as it is known.
 */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private expected = 0;

  /** Bytes of a message that has begun to arrive and is not whole yet. */
  get pending(): number {
    return this.buffered;
  }

  /** The length the message now arriving announced; 0 before its header is in. */
  get announced(): number {
    return this.expected;
  }

  /** Adds received bytes; returns the messages they completed, in order. */
  push(data: Buffer): Buffer[] {
    this.chunks.push(data);
    this.buffered += data.length;
    const complete: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) return complete;
      if (this.expected === 0) {
        if (this.chunks[0]!.length < 4) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
        const head = this.chunks[0]!;
        const length = head.readInt32LE(0);
        if (length < 16 || length > MAX_MESSAGE_SIZE) {
          throw new MessageLengthError(length, head.length >= 8 ? head.readInt32LE(4) : undefined);
        }
        this.expected = length;
      }
      if (this.buffered < this.expected) return complete;
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
      complete.push(all.subarray(0, this.expected));
      const rest = all.subarray(this.expected);
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
      this.expected = 0;
    }
  }
}

export interface Header {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

export interface ParsedMessage {
  header: Header;
  /** The command document, with kind 1 sequences merged in as arrays. */
  command: Document;
  /** OP_MSG: the client expects no reply. */
  moreToCome: boolean;
  legacy: boolean;
}

export function readHeader(buf: Buffer): Header {
  return {
    length: buf.readInt32LE(0),
    requestId: buf.readInt32LE(4),
    responseTo: buf.readInt32LE(8),
    opCode: buf.readInt32LE(12),
  };
}

function readDocument(buf: Buffer, offset: number, end: number): { doc: Document; size: number } {
  if (offset + 5 > end) throw new ProtocolError('truncated BSON document');
  const size = buf.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new ProtocolError('invalid BSON document length');
  const doc = BSON.deserialize(buf.subarray(offset, offset + size), deserializeOptions);
  return { doc, size };
}

function readCString(buf: Buffer, offset: number, end: number): { value: string; next: number } {
  const zero = buf.indexOf(0, offset);
  if (zero < 0 || zero >= end) throw new ProtocolError('unterminated C string');
  return { value: buf.toString('utf8', offset, zero), next: zero + 1 };
}

/** Parses one complete message; throws ProtocolError when it is malformed. */
export function parseMessage(buf: Buffer): ParsedMessage {
  const header = readHeader(buf);
  const end = header.length;
  if (header.opCode === OP_MSG) {
    const flags = buf.readUInt32LE(16);
    // Bits 0-15 other than the known ones are "required" bits: unknown ones must fail.
    if (flags & 0xfffc) throw new ProtocolError(`unsupported OP_MSG flag bits ${flags}`);
    const sectionsEnd = flags & MSG_CHECKSUM_PRESENT ? end - 4 : end;
    let offset = 20;
    let command: Document | undefined;
    const sequences: Array<[string, Document[]]> = [];
    while (offset < sectionsEnd) {
      const kind = buf[offset];
      offset += 1;
      if (kind === 0) {
        if (command) throw new ProtocolError('OP_MSG with two body sections');
        const { doc, size } = readDocument(buf, offset, sectionsEnd);
        command = doc;
        offset += size;
      } else if (kind === 1) {
        if (offset + 4 > sectionsEnd) throw new ProtocolError('truncated document sequence');
        const size = buf.readInt32LE(offset);
        const seqEnd = offset + size;
        if (size < 5 || seqEnd > sectionsEnd) throw new ProtocolError('invalid document sequence length');
        const { value: id, next } = readCString(buf, offset + 4, seqEnd);
        const docs: Document[] = [];
        let p = next;
        while (p < seqEnd) {
          const { doc, size: s } = readDocument(buf, p, seqEnd);
          docs.push(doc);
          p += s;
        }
        sequences.push([id, docs]);
        offset = seqEnd;
      } else {
        throw new ProtocolError(`unknown OP_MSG section kind ${kind}`);
      }
    }
    if (!command) throw new ProtocolError('OP_MSG without a body section');
    for (const [id, docs] of sequences) command[id] = docs;
    return { header, command, moreToCome: (flags & MSG_MORE_TO_COME) !== 0, legacy: false };
  }
  if (header.opCode === OP_QUERY) {
    let offset = 20; // header + flags
    const { value: ns, next } = readCString(buf, offset, end);
    offset = next + 8; // numberToSkip, numberToReturn
    const { doc } = readDocument(buf, offset, end);
    if (!ns.endsWith('.$cmd')) throw new ProtocolError(`OP_QUERY is only supported for commands, not ${ns}`);
    // Legacy commands may be wrapped as { $query: {...}, $readPreference: ... }.
    const command: Document = doc.$query && typeof doc.$query === 'object' ? { ...doc.$query } : doc;
    command.$db = ns.slice(0, -'.$cmd'.length);
    return { header, command, moreToCome: false, legacy: true };
  }
  throw new ProtocolError(`unsupported opCode ${header.opCode}`);
}

let nextRequestId = 1;

const serializeOptions = { ignoreUndefined: true } as const;

export function encodeOpMsg(responseTo: number, reply: Document): Buffer {
  const body = BSON.serialize(reply, serializeOptions);
  const out = Buffer.allocUnsafe(21 + body.length);
  out.writeInt32LE(out.length, 0);
  out.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  out.writeInt32LE(responseTo, 8);
  out.writeInt32LE(OP_MSG, 12);
  out.writeUInt32LE(0, 16);
  out[20] = 0;
  out.set(body, 21);
  return out;
}

export function encodeOpReply(responseTo: number, reply: Document): Buffer {
  const body = BSON.serialize(reply, serializeOptions);
  const out = Buffer.alloc(36 + body.length);
  out.writeInt32LE(out.length, 0);
  out.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  out.writeInt32LE(responseTo, 8);
  out.writeInt32LE(OP_REPLY, 12);
  out.writeInt32LE(0, 16); // responseFlags
  out.writeBigInt64LE(0n, 20); // cursorID
  out.writeInt32LE(0, 28); // startingFrom
  out.writeInt32LE(1, 32); // numberReturned
  out.set(body, 36);
  return out;
}
