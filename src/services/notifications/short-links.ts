// The short link a text carries instead of the 43-character manage link: `/m/` and 12
// characters (72 bits) of an HMAC of what it opens, keyed by the application secret. Anyone
// who can compute it already holds the secret; anyone else must guess 2^72 values. The link is
// written (as a hash) the first time a text needs it, by an idempotent upsert, so a booking
// made by staff or long ago gets one too, and every text about one booking carries the same.
import { createHash, createHmac } from 'node:crypto';
import { Types } from 'mongoose';
import { batchedUpdate } from '../../lib/batched-db.ts';
import { isDuplicate } from '../../lib/duplicate-key.ts';
import { type ShortLink, ShortLinkModel } from '../../models/short-link.model.ts';

const TOKEN = /^[A-Za-z0-9_-]{12}$/;
/** Long past any booking window: a link that still works then opens only a past booking. */
const LIFETIME_MS = 400 * 86_400_000;

export function shortLinkToken(secret: string, target: ShortLink['target'], ref: string): string {
  return createHmac('sha256', secret).update(`short-link:${target}:${ref}`).digest('base64url').slice(0, 12);
}

/** The links of texts composed at the same moment (a rush's confirmations) are written in one command. */
const writeLink = batchedUpdate(() => ShortLinkModel.collection as never);

function hashed(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The short link for a booking or an application, written if it is not yet. */
export async function shortLink(
  secret: string,
  baseUrl: string,
  target: ShortLink['target'],
  ref: string,
  now: Date,
): Promise<string> {
  const token = shortLinkToken(secret, target, ref);
  const op = {
    filter: { _id: hashed(token) },
    update: {
      $setOnInsert: { target, ref: new Types.ObjectId(ref) },
      $max: { expiresAt: new Date(now.getTime() + LIFETIME_MS) },
    },
    upsert: true,
  };
  try {
    await writeLink(op);
  } catch (err) {
    // Two texts about one booking inserted its link at once: it is there now.
    if (!isDuplicate(err)) throw err;
    await writeLink(op);
  }
  return `${baseUrl}/m/${token}`;
}

/** What a short link opens, or null for a token that is not one. */
export async function resolveShortLink(
  token: string,
): Promise<{ target: ShortLink['target']; ref: string } | null> {
  if (!TOKEN.test(token)) return null;
  const found = await ShortLinkModel.findById(hashed(token)).lean<ShortLink>();
  return found ? { target: found.target, ref: found.ref.toString() } : null;
}
