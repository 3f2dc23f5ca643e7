// The private link of a lottery application and the key its appointment is booked with.
// Both are derived from the application's id with the application secret, so a retried
// draw books the same appointment and a message sent later can carry the same link.
import { createHash, createHmac } from 'node:crypto';
import type { Types } from 'mongoose';
import { derivedAsStored, type SecretKeys, verifyingSecrets } from '../../lib/secret-keys.ts';

export function statusToken(secret: string, applicationId: Types.ObjectId | string): string {
  return createHmac('sha256', secret)
    .update(`lottery-status:${applicationId.toString()}`)
    .digest('base64url');
}

/**
 * The status token of a stored application as it was made: with the secret in force when it
 * applied, which after a rotation may be one of the previous ones.
 */
export function storedStatusToken(
  keys: SecretKeys,
  application: { _id: Types.ObjectId | string; tokenHash?: string | undefined },
): string {
  return derivedAsStored(
    verifyingSecrets(keys),
    (secret) => statusToken(secret, application._id),
    hashStatusToken,
    application.tokenHash,
  );
}

export function hashStatusToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function looksLikeStatusToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

/** The booking service's idempotency key for the appointment won by this application. */
export function lotteryBookingKey(applicationId: Types.ObjectId | string): string {
  return `lottery-${applicationId.toString()}`;
}
