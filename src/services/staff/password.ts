// Staff passwords are hashed with scrypt (node:crypto), a memory-hard function: guessing
// on a graphics card costs memory as well as time. The stored form names its parameters
// so they can be raised later without invalidating existing hashes.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
// scrypt needs 128 * N * r bytes (32 MiB here); Node's default ceiling is exactly that.
const MAX_MEMORY = 256 * N * R;

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFKC'),
      salt,
      KEY_LENGTH,
      { N: n, r, p, maxmem: Math.max(MAX_MEMORY, 256 * n * r) },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

/** 'scrypt$N$r$p$salt$hash' with base64url salt and hash. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

// Verifying against this when no account matches keeps the answer as slow as a real check,
// so response time does not tell which e-mail addresses have accounts.
const DUMMY = `scrypt$${N}$${R}$${P}$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(KEY_LENGTH).toString('base64url')}`;

export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const usable = typeof stored === 'string' && stored.startsWith('scrypt$');
  const parts = (usable ? stored : DUMMY).split('$');
  const [, n, r, p, salt, hash] = parts;
  if (parts.length !== 6 || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  return usable && key.length === expected.length && timingSafeEqual(key, expected);
}

/** A readable generated password (for the seeded accounts): 20 characters without look-alikes. */
export function generatePassword(random: (n: number) => Uint8Array = randomBytes): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let out = '';
  while (out.length < 20) {
    for (const byte of random(32)) {
      if (byte >= 256 - (256 % alphabet.length)) continue;
      out += alphabet[byte % alphabet.length];
      if (out.length === 20) break;
    }
  }
  return out;
}
