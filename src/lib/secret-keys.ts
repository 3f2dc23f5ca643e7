// The application secret's keys. The current one (APP_SECRET) signs and derives everything
// new; the earlier ones (APP_SECRET_PREVIOUS) are still accepted wherever something made
// before a rotation is verified or derived again, so changing the secret breaks no cookie,
// session, form, link or code in flight. ID fingerprints have a key of their own, never
// rotated: the ID numbers they were made from are not stored, so they cannot be made again.

export interface SecretKeys {
  /** The current secret: signs and derives everything new. */
  secret: string;
  /** Earlier secrets, newest first: accepted when verifying, never used to sign. */
  previousSecrets?: readonly string[] | undefined;
  /** The key of ID fingerprints (ID_FINGERPRINT_SECRET); the current secret when unset. */
  fingerprintSecret?: string | undefined;
}

/** Every secret a signature or a derived token may have been made with: the current one first. */
export function verifyingSecrets(keys: SecretKeys): string[] {
  return [keys.secret, ...(keys.previousSecrets ?? []).filter((s) => s !== keys.secret)];
}

/** The key ID fingerprints are made with. */
export function fingerprintSecret(keys: SecretKeys): string {
  return keys.fingerprintSecret ?? keys.secret;
}

/**
 * A token derived again from what it stands for (an application's id, an idempotency key),
 * as it was first made and stored (as a hash): with the first secret whose token hashes to
 * `storedHash`. None does when the secret it was made with is no longer listed: then the
 * current secret's token, which opens nothing stored.
 */
export function derivedAsStored(
  secrets: readonly string[],
  derive: (secret: string) => string,
  hash: (token: string) => string,
  storedHash: string | undefined,
): string {
  for (const secret of secrets) {
    const token = derive(secret);
    if (storedHash !== undefined && hash(token) === storedHash) return token;
  }
  return derive(secrets[0]!);
}
