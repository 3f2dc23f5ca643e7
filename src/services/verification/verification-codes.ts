// Verification codes (验证码): a 6-digit code sent by text proves a phone is the person's.
//
// Issuing costs two single-document updates: one takes a send from the address's allowance,
// then one takes a send from the phone's allowance and stores the new code's hash; both, for
// every code asked for at the same moment, go to the database in one ordered bulk write
// (lib/batched-steps.ts: the phone's only once the address's is taken). Each is a
// conditional upsert: the allowance is checked in the filter (the n-th newest send time must
// be old enough), so no two requests at once can both take the last send; a document that
// exists but is over its allowance makes the upsert collide on _id, which is the refusal.
//
// Checking counts the attempt first (a conditional $inc: at most five, however many arrive
// at once; the attempts of a moment share a bulk write and a read, code-attempts.ts), compares
// hashes in constant time, then uses the code up with a conditional
// $unset that only one of several right answers can win. A booking uses it up only once its
// place is taken (checkToSpend): a slot found full costs the couple no code (the attempt
// still counts), and the database nothing more.
//
// Nothing here asks whether the phone belongs to anyone: the answer to "send me a code" is
// the same for every number, and the caller answers 202 whatever it is.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { SmsConfig } from '../../config.ts';
import { normalizePhone } from '../../domain/phone.ts';
import type { Locale } from '../../i18n/locales.ts';
import type { UpdateOne } from '../../lib/batched-db.ts';
import { batchedSteps } from '../../lib/batched-steps.ts';
import type { Clock, RandomBytes } from '../../lib/clock.ts';
import { verifyingSecrets } from '../../lib/secret-keys.ts';
import {
  type LiveCode,
  VerificationModel,
  type VerificationPurpose,
  verificationUpdates,
} from '../../models/verification-code.model.ts';
import { type SmsSender, smsErrorText } from '../../sms/message.ts';
import { prepareSms } from '../../sms/prepare.ts';
import { buildSms } from '../../sms/texts.ts';
import { invalid } from '../errors.ts';
import { addressKey } from './address-key.ts';
import { createAttemptCounter } from './code-attempts.ts';

export interface Allowance {
  perHour: number;
  perDay: number;
}

export interface VerificationPolicy {
  codeTtlMs: number;
  maxAttempts: number;
  /** The least time between two codes to one phone. */
  resendAfterMs: number;
  perPhone: Allowance;
  /** Generous: many people share an address behind a carrier's NAT. */
  perAddress: Allowance;
}

export const DEFAULT_VERIFICATION_POLICY: VerificationPolicy = {
  codeTtlMs: 5 * 60_000,
  maxAttempts: 5,
  resendAfterMs: 60_000,
  perPhone: { perHour: 5, perDay: 10 },
  perAddress: { perHour: 30, perDay: 100 },
};

export interface VerificationDeps {
  clock: Clock;
  random: RandomBytes;
  secret: string;
  /** Earlier secrets: a code issued just before a rotation still checks. */
  previousSecrets?: readonly string[];
  sender: SmsSender;
  sms: Pick<SmsConfig, 'provider' | 'templates' | 'signName'>;
  logger?: Logger;
  policy?: Partial<VerificationPolicy>;
}

export interface IssueRequest {
  phone: string;
  purpose: VerificationPurpose;
  /** The requester's address (req.ip). */
  address: string;
  locale: Locale;
}

export interface CheckRequest {
  phone: string;
  purpose: VerificationPurpose;
  code: string;
}

/**
 * A check of a right code not spent yet: `spend` spends it once what it was given for has
 * happened (a booking's place taken), and answers false when it is gone meanwhile (a
 * simultaneous right answer spent it first, or a new code replaced it).
 */
export interface PendingCheck {
  outcome: CheckOutcome;
  spend?: () => Promise<boolean>;
}

/** sent; limited (too soon, or over the phone's or the address's allowance); not_sent (the provider refused). */
export type IssueOutcome = 'sent' | 'limited' | 'not_sent';

/** ok; wrong; no_code (none sent, expired, already used, or its attempts spent: ask for a new one). */
export type CheckOutcome = 'ok' | 'wrong' | 'no_code';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A uniform 6-digit code: 4_294_000_000 is the largest multiple of a million below 2^32. */
export function newCode(random: RandomBytes): string {
  for (;;) {
    const n = Buffer.from(random(4)).readUInt32BE(0);
    if (n < 4_294_000_000) return String(n % 1_000_000).padStart(6, '0');
  }
}

function codeHash(secret: string, salt: string, purpose: VerificationPurpose, phone: string, code: string) {
  return createHmac('sha256', secret)
    .update(`verification:${salt}:${purpose}:${phone}:${code}`)
    .digest('hex');
}

/**
 * The filter's clauses, one per bound `[n, before]`: the `n`-th newest send, if any, is no
 * later than `before`. Each is `$not: { $gt }`, which MongoDB documents as also matching a
 * document without the field: one operator where `$exists: false` or `$lte` took an `$or` of
 * two, the cheaper for the database to evaluate at every send. Two bounds on the same send
 * (a small allowance) keep the earlier, which implies the other.
 */
function sendsBefore(bounds: [number, Date][]): Record<string, { $not: { $gt: Date } }> {
  const earliest = new Map<string, Date>();
  for (const [n, before] of bounds) {
    const path = `sent.${n - 1}`;
    const known = earliest.get(path);
    if (!known || before < known) earliest.set(path, before);
  }
  return Object.fromEntries([...earliest].map(([path, before]) => [path, { $not: { $gt: before } }]));
}

/**
 * The conditional upsert that takes one send from a document's allowance, setting `extra` with
 * it; refused (a duplicate key on _id) when none is left.
 */
function sendStep(send: {
  id: string;
  allowance: Allowance;
  now: Date;
  minGapMs: number;
  extra?: object;
}): UpdateOne {
  const { id, allowance, now, minGapMs } = send;
  const bounds: [number, Date][] = [
    [allowance.perHour, new Date(now.getTime() - HOUR)],
    [allowance.perDay, new Date(now.getTime() - DAY)],
    ...(minGapMs ? [[1, new Date(now.getTime() - minGapMs)] as [number, Date]] : []),
  ];
  return {
    filter: { _id: id, ...sendsBefore(bounds) },
    update: {
      $push: { sent: { $each: [now], $position: 0, $slice: allowance.perDay } },
      $set: { expiresAt: new Date(now.getTime() + DAY), ...send.extra },
    },
    upsert: true,
  };
}

/** A new code and what is kept of it: its hash (with a salt of its own), expiry and attempts. */
function newLiveCode(
  random: RandomBytes,
  secret: string,
  purpose: VerificationPurpose,
  phone: string,
  now: Date,
  ttlMs: number,
): { code: string; live: LiveCode } {
  const code = newCode(random);
  const salt = Buffer.from(random(16)).toString('hex');
  const hash = codeHash(secret, salt, purpose, phone, code);
  return { code, live: { hash, salt, expiresAt: new Date(now.getTime() + ttlMs), attempts: 0 } };
}

/**
 * The sends a code takes, in order: the address's, then the phone's, which stores the code.
 * Given in one call of takeSends, they share one command with the other codes of the moment,
 * and the phone's is never taken (nor its live code replaced) when the address has none left.
 */
function sendsFor(
  policy: VerificationPolicy,
  to: { address: string; phone: string; purpose: VerificationPurpose },
  live: LiveCode,
  now: Date,
): UpdateOne[] {
  return [
    sendStep({ id: `address:${addressKey(to.address)}`, allowance: policy.perAddress, now, minGapMs: 0 }),
    sendStep({
      id: `phone:${to.phone}`,
      allowance: policy.perPhone,
      now,
      minGapMs: policy.resendAfterMs,
      extra: { [`codes.${to.purpose}`]: live },
    }),
  ];
}

/** Takes the code away; of several right answers at once, only the first does. */
async function useUp(phone: string, purpose: VerificationPurpose, hash: string): Promise<boolean> {
  const path = `codes.${purpose}`;
  const used = await VerificationModel.updateOne(
    { _id: `phone:${phone}`, [`${path}.hash`]: hash },
    { $unset: { [path]: 1 } },
  );
  return used.modifiedCount === 1;
}

/** Whether `code` is the live one, made with the secret in force when it was sent: after a rotation, maybe a previous one. */
function codeMatches(
  keys: string[],
  live: LiveCode,
  purpose: VerificationPurpose,
  phone: string,
  code: string,
): boolean {
  const stored = Buffer.from(live.hash, 'hex');
  return keys.some((key) =>
    timingSafeEqual(Buffer.from(codeHash(key, live.salt, purpose, phone, code), 'hex'), stored),
  );
}

export function createVerificationService(deps: VerificationDeps) {
  for (const name of ['clock', 'random', 'secret', 'sender', 'sms'] as const) {
    if (!deps[name]) throw new Error(`createVerificationService: ${name} is required`);
  }
  const { clock, random, secret, sender, sms, logger } = deps;
  const policy: VerificationPolicy = { ...DEFAULT_VERIFICATION_POLICY, ...deps.policy };
  // The sends taken at the same moment share one ordered bulk write (lib/batched-steps.ts), the
  // attempts counted at the same moment a bulk write and a read (code-attempts.ts).
  const takeSends = batchedSteps(() => verificationUpdates);
  const takeAttempt = createAttemptCounter(policy.maxAttempts, random);

  async function sendCode(phone: string, code: string, request: IssueRequest): Promise<IssueOutcome> {
    const minutes = Math.round(policy.codeTtlMs / 60_000);
    const built = buildSms({ kind: 'verification_code', locale: request.locale, code, minutes }, sms);
    const message = prepareSms(built, phone, sms);
    if (!message) {
      logger?.error('verification code not sent: SMS_TEMPLATES has no verification_code template');
      return 'not_sent';
    }
    try {
      await sender.send(message);
      return 'sent';
    } catch (err) {
      logger?.warn({ error: smsErrorText(err), purpose: request.purpose }, 'verification code not sent');
      return 'not_sent';
    }
  }

  async function issue(request: IssueRequest): Promise<{ outcome: IssueOutcome }> {
    const phone = normalizePhone(request.phone);
    if (!phone) throw invalid({ phone: { key: 'booking.phone_invalid' } });
    const now = clock();
    const { code, live } = newLiveCode(random, secret, request.purpose, phone, now, policy.codeTtlMs);
    const sends = sendsFor(policy, { ...request, phone }, live, now);
    if ((await takeSends(sends)) < sends.length) return { outcome: 'limited' };
    return { outcome: await sendCode(phone, code, request) };
  }

  /** Counts the attempt and compares; a right code is left to spend (see PendingCheck). */
  async function checkToSpend(request: CheckRequest): Promise<PendingCheck> {
    const phone = normalizePhone(request.phone);
    const code = request.code.trim();
    if (!phone || !/^\d{6}$/.test(code)) return { outcome: 'wrong' };
    const live = await takeAttempt(phone, request.purpose, clock());
    if (!live) return { outcome: 'no_code' };
    if (!codeMatches(verifyingSecrets(deps), live, request.purpose, phone, code)) return { outcome: 'wrong' };
    return { outcome: 'ok', spend: () => useUp(phone, request.purpose, live.hash) };
  }

  /** Checks and spends the code. */
  async function check(request: CheckRequest): Promise<CheckOutcome> {
    const checked = await checkToSpend(request);
    if (checked.outcome !== 'ok') return checked.outcome;
    return (await checked.spend?.()) ? 'ok' : 'no_code';
  }

  return { issue, check, checkToSpend, policy };
}

export type VerificationService = ReturnType<typeof createVerificationService>;
