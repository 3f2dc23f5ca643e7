// ID and phone numbers are personal data: pages and logs show masked forms, and
// uniqueness checks use a keyed fingerprint so the clear number need not be searched.
import { createHmac } from 'node:crypto';
import { type IdType, normalizeIdNumber } from './resident-id.ts';

const LONG_ID = 12;
const LONG_PHONE = 8;

function stars(count: number): string {
  return '*'.repeat(Math.max(0, count));
}

/** Long ids keep the first 4 and last 4 characters; shorter ones only the last 2. */
export function maskIdNumber(id: string): string {
  const value = id.trim();
  if (value.length >= LONG_ID) return value.slice(0, 4) + stars(value.length - 8) + value.slice(-4);
  if (value.length > 2) return stars(value.length - 2) + value.slice(-2);
  return stars(value.length);
}

/** Keeps the first 3 and last 4 characters: '13812345678' -> '138****5678'. */
export function maskPhone(phone: string): string {
  const value = phone.trim();
  if (value.length >= LONG_PHONE) return value.slice(0, 3) + stars(value.length - 7) + value.slice(-4);
  if (value.length > 2) return stars(value.length - 2) + value.slice(-2);
  return stars(value.length);
}

/**
 * HMAC-SHA256 (hex) of "type:normalized number". Keyed so that a leaked database
 * cannot be searched by hashing every possible ID number (the space is small).
 */
export function idFingerprint(secret: string, idType: IdType, id: string): string {
  if (secret.length === 0) throw new RangeError('idFingerprint needs a non-empty secret');
  return createHmac('sha256', secret)
    .update(`${idType}:${normalizeIdNumber(idType, id)}`)
    .digest('hex');
}
