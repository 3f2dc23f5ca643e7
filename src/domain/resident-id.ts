// ID documents a partner may present. The PRC resident ID carries its holder's birth
// date and sex and a check character, so it is checked in full; the other documents
// only by shape. Numbers are normalized first because people type them with spaces,
// lowercase letters and full-width characters from a Chinese input method.
import { isLocalDate } from './local-time.ts';
import type { LocalDate } from './schedule-types.ts';

export type IdType = 'resident_id' | 'passport' | 'hk_macao_permit' | 'taiwan_permit';

export const ID_TYPES: readonly IdType[] = ['resident_id', 'passport', 'hk_macao_permit', 'taiwan_permit'];

export type ResidentIdResult =
  | { ok: true; birthDate: LocalDate; sex: 'male' | 'female'; region: string }
  | { ok: false; reason: 'format' | 'checksum' | 'birth_date' | 'region' };

/**
 * The province-level divisions of GB/T 2260 (the first two digits of the region code): the
 * provinces, autonomous regions and municipalities, 71 Taiwan, 81 Hong Kong and 82 Macao;
 * 83 is the prefix of the residence permits of Taiwan residents (港澳台居民居住证 use
 * 810000, 820000 and 830000), which carry a resident ID number of the same form.
 */
export const PROVINCE_CODES: readonly string[] = Object.freeze([
  ...['11', '12', '13', '14', '15'],
  ...['21', '22', '23'],
  ...['31', '32', '33', '34', '35', '36', '37'],
  ...['41', '42', '43', '44', '45', '46'],
  ...['50', '51', '52', '53', '54'],
  ...['61', '62', '63', '64', '65'],
  ...['71', '81', '82', '83'],
]);

const RESIDENT_ID = /^\d{17}[\dX]$/;
const CHECK_CHARS = '10X98765432';
const EARLIEST_BIRTH_DATE = '1900-01-01';

/** Trim, drop every space (also U+3000), fold full-width characters to ASCII, uppercase. */
export function normalizeIdNumber(_idType: IdType, raw: string): string {
  return raw.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

/** ISO 7064 MOD 11-2 check character of the first 17 digits (weights 2^(17-i) mod 11). */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('a resident ID check character needs 17 digits');
  let sum = 0;
  let weight = 1;
  // Walk from the right: the weight of the digit next to the check character is 2.
  for (let i = 16; i >= 0; i -= 1) {
    weight = (weight * 2) % 11;
    sum += Number(first17[i]) * weight;
  }
  return CHECK_CHARS[sum % 11]!;
}

export function parseResidentId(id: string): ResidentIdResult {
  const value = normalizeIdNumber('resident_id', id);
  if (!RESIDENT_ID.test(value)) return { ok: false, reason: 'format' };
  if (residentIdCheckChar(value.slice(0, 17)) !== value[17]) return { ok: false, reason: 'checksum' };
  if (!PROVINCE_CODES.includes(value.slice(0, 2))) return { ok: false, reason: 'region' };
  const birthDate = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  if (!isLocalDate(birthDate) || birthDate < EARLIEST_BIRTH_DATE) return { ok: false, reason: 'birth_date' };
  // The last digit of the 3-digit sequence is odd for men, even for women.
  const sex = Number(value[16]) % 2 === 1 ? 'male' : 'female';
  return { ok: true, birthDate, sex, region: value.slice(0, 6) };
}

const ID_SHAPES: Record<Exclude<IdType, 'resident_id'>, RegExp> = {
  passport: /^[A-Z0-9]{5,17}$/,
  // 往来港澳通行证 / 回乡证: H or M, then 8 digits (older) or 10 digits.
  hk_macao_permit: /^[HM](\d{8}|\d{10})$/,
  // 台胞证: 8 digits (current card) or 10 characters (older booklet).
  taiwan_permit: /^(\d{8}|[A-Z0-9]{10})$/,
};

export function validateIdFormat(idType: IdType, id: string): boolean {
  const value = normalizeIdNumber(idType, id);
  if (idType === 'resident_id') return parseResidentId(value).ok;
  return ID_SHAPES[idType].test(value);
}
