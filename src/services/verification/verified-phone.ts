// Days that ask for a verified phone: staff turn it on for one day (its plan) or for every day
// of an office (its default, which a day's plan may turn off). On such a day a couple booking
// online or through the API, or applying to the lottery, gives the code sent to its contact
// phone; staff at the window (walk-ins, priority bookings) and the lottery's own bookings
// have seen the couple and need none.
import { normalizePhone } from '../../domain/phone.ts';
import type { VerificationPurpose } from '../../models/verification-code.model.ts';
import { invalid } from '../errors.ts';
import type { CheckOutcome, PendingCheck } from './verification-codes.ts';

/** The verification service's check, as the booking and lottery services are given it. */
export type PhoneCheck = (req: {
  phone: string;
  purpose: VerificationPurpose;
  code: string;
}) => Promise<CheckOutcome>;

/** The check that leaves a right code to spend once the booking's place is taken. */
export type PhoneCheckToSpend = (req: {
  phone: string;
  purpose: VerificationPurpose;
  code: string;
}) => Promise<PendingCheck>;

export function requiresVerifiedPhone(
  office: { requireVerifiedPhone?: boolean | undefined },
  plan: { requireVerifiedPhone?: boolean | undefined } | null | undefined,
): boolean {
  return plan?.requireVerifiedPhone ?? office.requireVerifiedPhone ?? false;
}

/** The contact phone as the couple typed it: the first partner's unless they chose the second. */
export function contactPhoneOf(partners: { phone: string }[], contactPartner: number | undefined): string {
  return (partners[contactPartner === 1 ? 1 : 0] ?? partners[0])?.phone ?? '';
}

/**
 * Refuses (422, field `verificationCode`) a missing or wrong code. A right code is used up:
 * a second booking needs a new one.
 */
export async function assertVerifiedPhone(
  check: PhoneCheck | undefined,
  phone: string,
  code: string | undefined,
): Promise<void> {
  if (!code)
    throw invalid({ verificationCode: { key: 'verification.code_required' } }, 'verification.code_required');
  const normalized = normalizePhone(phone);
  const outcome =
    check && normalized ? await check({ phone: normalized, purpose: 'booking', code }) : 'no_code';
  if (outcome !== 'ok') refuseCode(outcome);
}

/**
 * As assertVerifiedPhone, for a booking: the code is checked (its attempt counted) but not
 * spent; the function returned spends it once the place is taken, and refuses as a wrong code
 * would when it is gone meanwhile. A booking that finds its slot full never spends it, so the
 * couple picks another slot with the same code.
 */
export async function checkVerifiedPhone(
  checkToSpend: PhoneCheckToSpend,
  phone: string,
  code: string | undefined,
): Promise<() => Promise<void>> {
  if (!code)
    throw invalid({ verificationCode: { key: 'verification.code_required' } }, 'verification.code_required');
  const normalized = normalizePhone(phone);
  const checked = normalized
    ? await checkToSpend({ phone: normalized, purpose: 'booking', code })
    : { outcome: 'no_code' as const };
  if (checked.outcome !== 'ok') refuseCode(checked.outcome);
  const spend = checked.spend;
  return async () => {
    if (spend && !(await spend())) refuseCode('no_code');
  };
}

function refuseCode(outcome: CheckOutcome): never {
  const key = outcome === 'wrong' ? 'verification.code_wrong' : 'verification.code_expired';
  throw invalid({ verificationCode: { key } }, key);
}
