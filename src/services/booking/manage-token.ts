import { createHmac, hash } from 'node:crypto';
import type { RandomBytes } from '../../lib/clock.ts';
import { derivedAsStored, type SecretKeys, verifyingSecrets } from '../../lib/secret-keys.ts';

/**
 * The private manage link's token: 256 bits, shown once, stored only as a SHA-256 hash.
 * With an idempotency key (a retried form or API call) the token is derived from it with
 * the application's secret, so the retry can show the same link without storing it.
 */
export function newManageToken(random: RandomBytes, secret: string, idempotencyKey?: string): string {
  if (idempotencyKey) return derivedManageToken(secret, idempotencyKey);
  return Buffer.from(random(32)).toString('base64url');
}

function derivedManageToken(secret: string, idempotencyKey: string): string {
  return createHmac('sha256', secret).update(`manage:${idempotencyKey}`).digest('base64url');
}

/**
 * The manage token an earlier request with this idempotency key was given, as it was made: with
 * the secret in force then (after a rotation, maybe a previous one), found by the stored hash.
 */
export function storedManageToken(
  keys: SecretKeys,
  idempotencyKey: string,
  storedHash: string | undefined,
): string {
  return derivedAsStored(
    verifyingSecrets(keys),
    (secret) => derivedManageToken(secret, idempotencyKey),
    hashManageToken,
    storedHash,
  );
}

export function hashManageToken(token: string): string {
  return hash('sha256', token, 'hex');
}

export function looksLikeManageToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}
