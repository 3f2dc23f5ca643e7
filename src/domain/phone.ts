// Phone numbers are stored in one canonical form so reminders reach the right number
// and "last 4 digits" look-ups work: a mainland mobile as its 11 digits, any other
// number in E.164 form ('+' and 6-15 digits).
const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;
const INTERNATIONAL = /^\+[1-9]\d{5,14}$/;

/** Null when the input is not a number we can send a message to. */
export function normalizePhone(raw: string): string | null {
  // Fold full-width digits and '+', then drop the separators people type.
  let value = raw.normalize('NFKC').replace(/[\s\-().]/g, '');
  if (value.startsWith('00')) value = `+${value.slice(2)}`;

  if (MAINLAND_MOBILE.test(value)) return value;
  const mainland = /^\+?86(\d+)$/.exec(value);
  if (mainland) {
    // +86 (or a bare 86 before a mobile) must be a mainland mobile: landlines get no SMS.
    const national = mainland[1]!;
    return MAINLAND_MOBILE.test(national) ? national : null;
  }
  return INTERNATIONAL.test(value) ? value : null;
}
