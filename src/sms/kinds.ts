// The texts the SMS channel sends, and the parameters each one fills in. Providers send only
// templates they have approved, so SMS_TEMPLATES names, for each kind, the provider's
// template code and which of these parameters (in what order) the template takes; config.ts
// checks it against this list. Pure data: config.ts imports it.
export const SMS_KIND_PARAMS = {
  confirmation: ['reference', 'time', 'office', 'link'],
  reminder_day_before: ['reference', 'time', 'office', 'link'],
  reminder_same_day: ['reference', 'time', 'office', 'link'],
  cancelled: ['reference', 'time', 'office', 'link'],
  moved: ['reference', 'previous', 'time', 'office', 'link'],
  office_closed: ['reference', 'date', 'office', 'link'],
  office_reopened: ['reference', 'time', 'office'],
  ceremony_seated: ['reference', 'time', 'hall', 'office', 'link'],
  ceremony_waitlisted: ['reference', 'position', 'office'],
  ceremony_offer: ['reference', 'time', 'deadline', 'office', 'link'],
  ceremony_offer_lapsed: ['reference', 'office'],
  ceremony_changed: ['reference', 'time', 'hall', 'office', 'link'],
  ceremony_cancelled: ['reference', 'time', 'office'],
  lottery_won: ['reference', 'time', 'deadline', 'office', 'link'],
  lottery_offer: ['reference', 'time', 'deadline', 'office', 'link'],
  lottery_not_drawn: ['reference', 'date', 'office', 'link'],
  verification_code: ['code', 'minutes'],
} as const satisfies Record<string, readonly string[]>;

export type SmsKind = keyof typeof SMS_KIND_PARAMS;
export type SmsParamName = (typeof SMS_KIND_PARAMS)[SmsKind][number];

export const SMS_KINDS = Object.keys(SMS_KIND_PARAMS) as SmsKind[];

export function isSmsKind(value: string): value is SmsKind {
  return Object.hasOwn(SMS_KIND_PARAMS, value);
}

/** One kind's approved template at the provider: its code and the parameters it takes, in order. */
export interface SmsTemplate {
  code: string;
  params: readonly SmsParamName[];
}

export type SmsTemplates = Readonly<Partial<Record<SmsKind, SmsTemplate>>>;
