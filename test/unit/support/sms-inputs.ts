// One input for every kind of text, from the same facts an e-mail about it carries, for a
// given office and language: the texts' tests build each kind from these.
import type { Bilingual } from '../../../src/domain/schedule-types.ts';
import type { Locale } from '../../../src/i18n/locales.ts';
import type { SmsKind } from '../../../src/sms/kinds.ts';
import type { SmsInput } from '../../../src/sms/texts.ts';

export const LINK = 'https://hyyy.cdjinjiang.gov.cn/s/Ab3dE9xY';

export const OFFICES: Record<'typical' | 'long', { name: Bilingual; timezone: string }> = {
  typical: {
    name: { zh: '锦江区婚姻登记处', en: 'Jinjiang District Marriage Registry' },
    timezone: 'Asia/Shanghai',
  },
  long: {
    name: {
      zh: '新疆维吾尔自治区乌鲁木齐市沙依巴克区民政局婚姻登记处',
      en: 'Saybagh District Civil Affairs Bureau Marriage Registry',
    },
    timezone: 'Asia/Shanghai',
  },
};

export const HALLS: Record<'typical' | 'long', Bilingual> = {
  typical: { zh: '一楼颁证大厅', en: 'Ceremony Hall' },
  long: { zh: '二楼集体颁证大厅（东侧）', en: 'Second-floor Ceremony Hall (east)' },
};

/** Saturday 23 August 2031, 09:00 in Shanghai; the ceremony at 14:30; offers until the 22nd, 18:00. */
export const STARTS_AT = new Date('2031-08-23T01:00:00.000Z');
const CEREMONY_AT = new Date('2031-08-23T06:30:00.000Z');
const DEADLINE = new Date('2031-08-22T10:00:00.000Z');

export function smsInput(kind: SmsKind, language: Locale, size: 'typical' | 'long', link = LINK): SmsInput {
  const office = OFFICES[size];
  const appointment = { reference: 'K7M2Q9', startsAt: STARTS_AT, language };
  const ceremony = { startsAt: CEREMONY_AT, hallName: HALLS[size] };
  const application = { reference: 'L8P3R2', language };
  const lottery = { application, office, link, date: '2031-08-23' };
  switch (kind) {
    case 'confirmation':
    case 'reminder_day_before':
    case 'reminder_same_day':
    case 'cancelled':
      return { kind, appointment, office, link };
    case 'moved':
      return { kind, appointment, office, link, previous: { date: '2031-08-21', start: '14:30' } };
    case 'office_closed':
      return { kind, appointment, office, link, date: '2031-08-23' };
    case 'office_reopened':
    case 'ceremony_offer_lapsed':
      return { kind, appointment, office };
    case 'ceremony_seated':
    case 'ceremony_changed':
      return { kind, appointment, office, link, ceremony };
    case 'ceremony_waitlisted':
      return { kind, appointment, office, position: 12 };
    case 'ceremony_offer':
      return { kind, appointment, office, link, ceremony, expiresAt: DEADLINE };
    case 'ceremony_cancelled':
      return { kind, appointment, office, ceremony };
    case 'lottery_won':
    case 'lottery_offer':
      return { kind, ...lottery, start: '09:00', confirmBy: DEADLINE };
    case 'lottery_not_drawn':
      return { kind, ...lottery };
    case 'verification_code':
      return { kind, locale: language, code: '042917', minutes: 5 };
  }
}
