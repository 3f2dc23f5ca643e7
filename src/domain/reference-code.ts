// The booking reference a couple reads over the phone: 8 characters from an alphabet
// without the look-alikes 0/O and 1/I/L, shown as 'XXXX-XXXX'. 31^8 is about 8.5e11
// codes; it identifies a booking but is not a secret (the manage link token is).
export const REFERENCE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

const LENGTH = 8;
// Bytes at or above 248 (= 31 * 8) are discarded so every character is equally likely.
const UNBIASED_LIMIT = 256 - (256 % REFERENCE_ALPHABET.length);
const MAX_DRAWS = 64;

function format(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

export function newReferenceCode(randomBytes: (n: number) => Uint8Array): string {
  let code = '';
  for (let draw = 0; draw < MAX_DRAWS && code.length < LENGTH; draw += 1) {
    for (const byte of randomBytes(LENGTH)) {
      if (byte >= UNBIASED_LIMIT) continue;
      code += REFERENCE_ALPHABET[byte % REFERENCE_ALPHABET.length];
      if (code.length === LENGTH) break;
    }
  }
  // Only a broken random source gets here; better to fail than to loop forever.
  if (code.length < LENGTH) throw new Error('random source returned no usable bytes');
  return format(code);
}

/**
 * The canonical 'XXXX-XXXX' form of what someone typed: case, spaces, dashes and
 * full-width characters are forgiven. The look-alikes 0/O and 1/I/L have no twin in the
 * alphabet to map to, so a code containing one was mistyped and yields null
 * ("not found") rather than a guess at someone else's booking.
 */
export function normalizeReference(input: string): string | null {
  const compact = input
    .normalize('NFKC')
    .replace(/[\s\-\u2010-\u2015\u2212_]/g, '')
    .toUpperCase();
  if (compact.length !== LENGTH) return null;
  for (const char of compact) if (!REFERENCE_ALPHABET.includes(char)) return null;
  return format(compact);
}
