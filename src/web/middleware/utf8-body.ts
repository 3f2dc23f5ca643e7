import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';

// A body that is not UTF-8 was decoded with U+FFFD in place of its bad bytes and stored so:
// the name on the booking was no longer what anybody typed. It is refused whole instead (400),
// before it is parsed. Bodies that declare another charset are left to the parser.

const PERCENT = 0x25;

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** The bytes a form body stands for: `%XX` escapes decoded, everything else as sent. */
export function formBytes(body: Buffer): Buffer {
  if (!body.includes(PERCENT)) return body;
  const out = Buffer.allocUnsafe(body.length);
  let n = 0;
  for (let i = 0; i < body.length; i++) {
    const b = body[i]!;
    if (b === PERCENT && i + 2 < body.length) {
      const hi = hexValue(body[i + 1]!);
      const lo = hexValue(body[i + 2]!);
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[n++] = b;
  }
  return out.subarray(0, n);
}

function notUtf8(): Error {
  return Object.assign(new Error('request body is not valid UTF-8'), {
    status: 400,
    type: 'encoding.invalid',
  });
}

/** body-parser's `verify` for JSON: the raw bytes must be UTF-8. */
export function verifyJsonUtf8(_req: IncomingMessage, _res: unknown, body: Buffer, encoding: string): void {
  if (encoding.toLowerCase() === 'utf-8' && !isUtf8(body)) throw notUtf8();
}

/** body-parser's `verify` for forms: the bytes the escapes stand for must be UTF-8 too. */
export function verifyFormUtf8(_req: IncomingMessage, _res: unknown, body: Buffer, encoding: string): void {
  if (encoding.toLowerCase() === 'utf-8' && !isUtf8(formBytes(body))) throw notUtf8();
}
