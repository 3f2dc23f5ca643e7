// The text of each SMS, in the recipient's language, built from the same facts as the e-mail
// about the same thing (src/mail/builders/): the reference, the time in the office's zone,
// the office and a short link. Pure: no clock, no database. The result carries the rendered
// text (what the development outbox keeps and what the provider's template should read) and
// the template parameters (what a provider is sent).
//
// Every text must fit two segments under the mainland rule (src/sms/segments.ts), the
// signature included. A long office or hall name that would break that is shortened, with an
// ellipsis; the reference, the times and the link are never cut.
import { DateTime, type WeekdayNumbers } from 'luxon';
import type { Locale } from '../i18n/locales.ts';
import { pick, translate } from '../i18n/translate.ts';
import { boundedMemo } from '../lib/bounded-memo.ts';
import type { MailAppointment, MailOffice } from '../mail/builders/appointment-messages.ts';
import type { MailCeremony } from '../mail/builders/ceremony-messages.ts';
import { SMS_KIND_PARAMS, type SmsKind, type SmsParamName } from './kinds.ts';
import { countSegments, MAINLAND_PART, MAINLAND_SINGLE, signedText } from './segments.ts';

export type SmsAppointment = Pick<MailAppointment, 'reference' | 'startsAt' | 'language'>;
export type SmsOffice = Pick<MailOffice, 'name' | 'timezone'>;
export type SmsCeremony = Pick<MailCeremony, 'startsAt' | 'hallName'>;
/** A lottery application as its notices see it. */
export interface SmsApplication {
  reference: string;
  language: Locale;
}

interface About {
  appointment: SmsAppointment;
  office: SmsOffice;
}
interface Linked extends About {
  /** A short link: the look-up page, or a short manage link. */
  link: string;
}
interface LotteryPlace {
  application: SmsApplication;
  office: SmsOffice;
  /** The appointment's local date (yyyy-MM-dd) and start (HH:mm), as the lottery's events carry them. */
  date: string;
  link: string;
}

export type SmsInput =
  | ({ kind: 'confirmation' | 'reminder_day_before' | 'reminder_same_day' | 'cancelled' } & Linked)
  | ({ kind: 'moved'; previous: { date: string; start: string } } & Linked)
  | ({ kind: 'office_closed'; date: string } & Linked)
  | ({ kind: 'office_reopened' | 'ceremony_offer_lapsed' } & About)
  | ({ kind: 'ceremony_seated' | 'ceremony_changed'; ceremony: SmsCeremony } & Linked)
  | ({ kind: 'ceremony_waitlisted'; position: number } & About)
  | ({ kind: 'ceremony_offer'; ceremony: SmsCeremony; expiresAt: Date } & Linked)
  | ({ kind: 'ceremony_cancelled'; ceremony: SmsCeremony } & About)
  | ({ kind: 'lottery_won' | 'lottery_offer'; start: string; confirmBy: Date } & LotteryPlace)
  | ({ kind: 'lottery_not_drawn' } & LotteryPlace)
  | { kind: 'verification_code'; locale: Locale; code: string; minutes: number };

export interface BuiltSms {
  kind: SmsKind;
  locale: Locale;
  /** The body, without the signature (the provider adds it). */
  text: string;
  /** The template parameters, by name, in the order SMS_KIND_PARAMS lists them. */
  params: Readonly<Partial<Record<SmsParamName, string>>>;
  /** Segments under the mainland rule, signature included. */
  segments: number;
  /** Parameters shortened to fit. */
  shortened: SmsParamName[];
}

export interface SmsTextOptions {
  /** The signature (SMS_SIGN_NAME), counted in the length. */
  signName: string;
  /** At most this many segments (default 2). */
  maxSegments?: number;
}

/** Parameters that may be shortened to fit, and how many characters of each always stay. */
const SHRINKABLE: readonly SmsParamName[] = ['office', 'hall'];
const MIN_KEPT = 8;

/**
 * A local instant as texts show it: 8月10日周六 09:00 / 10 Aug 09:00 (the English weekday
 * would cost four characters in every time a text carries; the Chinese one costs two).
 */
export function smsTime(at: DateTime, locale: Locale): string {
  return locale === 'en'
    ? at.setLocale('en-GB').toFormat('d LLL HH:mm')
    : `${at.toFormat('M月d日')}${translate(locale, `weekday.${at.weekday as WeekdayNumbers}`)} ${at.toFormat('HH:mm')}`;
}

/** Times written already: the texts of a rush show the same few slots' times again and again. */
const timesWritten = boundedMemo<string>(5_000);

/** The time kept under `key`, or written now (Luxon's zone arithmetic and formats) and kept. */
function written(key: string, write: () => string): string {
  return timesWritten.get(key) ?? timesWritten.keep(key, write());
}

function smsDay(date: string, zone: string, locale: Locale): string {
  const d = DateTime.fromISO(date, { zone });
  return locale === 'en'
    ? d.setLocale('en-GB').toFormat('d LLL')
    : `${d.toFormat('M月d日')}${translate(locale, `weekday.${d.weekday as WeekdayNumbers}`)}`;
}

function localeOf(input: SmsInput): Locale {
  if (input.kind === 'verification_code') return input.locale;
  return 'application' in input ? input.application.language : input.appointment.language;
}

function paramsOf(input: SmsInput, locale: Locale): Partial<Record<SmsParamName, string>> {
  if (input.kind === 'verification_code') return { code: input.code, minutes: String(input.minutes) };
  const zone = input.office.timezone;
  const at = (d: Date) =>
    written(`${d.getTime()}|${zone}|${locale}`, () => smsTime(DateTime.fromJSDate(d, { zone }), locale));
  const local = (date: string, start: string) =>
    written(`${date}T${start}|${zone}|${locale}`, () =>
      smsTime(DateTime.fromISO(`${date}T${start}`, { zone }), locale),
    );
  const office = pick(input.office.name, locale);
  if ('application' in input) {
    const base = { reference: input.application.reference, office, link: input.link };
    if (input.kind === 'lottery_not_drawn') return { ...base, date: smsDay(input.date, zone, locale) };
    return { ...base, time: local(input.date, input.start), deadline: at(input.confirmBy) };
  }
  const base = { reference: input.appointment.reference, office };
  const time = at(input.appointment.startsAt);
  const link = 'link' in input ? { link: input.link } : {};
  switch (input.kind) {
    case 'moved':
      return { ...base, ...link, time, previous: local(input.previous.date, input.previous.start) };
    case 'office_closed':
      return { ...base, ...link, date: smsDay(input.date, zone, locale) };
    case 'ceremony_waitlisted':
      return { ...base, position: String(input.position) };
    case 'ceremony_seated':
    case 'ceremony_changed':
      return {
        ...base,
        ...link,
        time: at(input.ceremony.startsAt),
        hall: pick(input.ceremony.hallName, locale),
      };
    case 'ceremony_offer':
      return { ...base, ...link, time: at(input.ceremony.startsAt), deadline: at(input.expiresAt) };
    case 'ceremony_cancelled':
      return { ...base, time: at(input.ceremony.startsAt) };
    default:
      return { ...base, ...link, time };
  }
}

/** Cuts a value to `keep` characters (never inside a surrogate pair) and marks the cut. */
function shorten(value: string, keep: number): string {
  return `${[...value].slice(0, keep).join('').trimEnd()}…`;
}

export function buildSms(input: SmsInput, options: SmsTextOptions): BuiltSms {
  const locale = localeOf(input);
  const max = options.maxSegments ?? 2;
  const maxUnits = max === 1 ? MAINLAND_SINGLE : max * MAINLAND_PART;
  const all = paramsOf(input, locale);
  const params: Partial<Record<SmsParamName, string>> = {};
  for (const name of SMS_KIND_PARAMS[input.kind]) params[name] = all[name] ?? '';
  const render = () => translate(locale, `sms.${input.kind}`, params);
  const length = () => signedText(options.signName, render()).length;
  // Shorten the longest shrinkable value first, by just what is over, until the text fits;
  // a value is never cut below MIN_KEPT characters.
  const full = { ...params };
  const kept: Partial<Record<SmsParamName, number>> = {};
  const chars = (name: SmsParamName) => kept[name] ?? [...(full[name] ?? '')].length;
  for (let excess = length() - maxUnits; excess > 0; excess = length() - maxUnits) {
    const name = SHRINKABLE.filter((n) => chars(n) > MIN_KEPT).sort((a, b) => chars(b) - chars(a))[0];
    if (!name) break;
    // The first cut adds an ellipsis: one character more to take off.
    const keep = Math.max(MIN_KEPT, chars(name) - excess - (kept[name] === undefined ? 1 : 0));
    kept[name] = keep;
    params[name] = shorten(full[name]!, keep);
  }
  const shortened = SHRINKABLE.filter((n) => kept[n] !== undefined);
  const text = render();
  const { segments } = countSegments(signedText(options.signName, text));
  return { kind: input.kind, locale, text, params, segments, shortened };
}
