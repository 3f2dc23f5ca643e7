// Messages to a couple about its lottery application: applied, won a place to confirm, not
// drawn, its offer lapsed or declined, excluded, confirmed. The facts come from the lottery
// service (the application, its office, the draw time and the private status link).
import { formatDate, formatInstant } from '../../i18n/format.ts';
import type { Locale } from '../../i18n/locales.ts';
import { type MessageKey, pick, translate } from '../../i18n/translate.ts';
import type { BuiltMessage, NoticeView } from '../notice-view.ts';
import type { MailOffice } from './appointment-messages.ts';

/** What happened to the application (the lottery.* event, without its ids). */
export type LotteryChange =
  | { type: 'lottery.applied' }
  | { type: 'lottery.won'; start: string; confirmBy: Date; passedOn: boolean }
  | { type: 'lottery.not_drawn'; rank: number }
  | { type: 'lottery.lapsed'; reason: 'unconfirmed' | 'declined' }
  | { type: 'lottery.excluded'; reason: string }
  | { type: 'lottery.confirmed' };

export interface LotteryMailContext {
  application: { reference: string; date: string; language: Locale; start?: string };
  office: MailOffice;
  /** When the draw is (while the day is in lottery mode). */
  drawAt?: Date;
  /** The application's private status page. */
  statusUrl: string;
}

const EXCLUDED_REASON: Record<string, MessageKey> = {
  'booking.already_booked': 'lottery.excluded.already_booked',
  'booking.no_show_blocked': 'lottery.excluded.no_show',
};

type Tr = (key: MessageKey, params?: Record<string, string | number>) => string;

function lotteryBase(ctx: LotteryMailContext, t: Tr, day: string) {
  const officeName = pick(ctx.office.name, ctx.application.language);
  const footer = [
    ...(ctx.office.phone
      ? [t('mail.footer.questions', { office: officeName, phone: ctx.office.phone })]
      : []),
    t('mail.footer.auto'),
  ];
  return {
    details: [
      { label: t('lottery.status.reference'), value: ctx.application.reference },
      { label: t('mail.label.date'), value: day },
      { label: t('mail.label.office'), value: officeName },
    ],
    documents: [] as string[],
    documentsLabel: t('mail.label.documents'),
    action: { label: t('lottery.mail.open_status'), url: ctx.statusUrl, hint: t('mail.manage_hint') },
    footer,
  };
}

/** The notice for what happened to the application, in the couple's language. */
export function lotteryNoticeMessage(ctx: LotteryMailContext, change: LotteryChange): BuiltMessage {
  const view = lotteryView(ctx, change);
  return { template: 'notice', subject: view.subject, locals: { view } };
}

function lotteryView(ctx: LotteryMailContext, change: LotteryChange): NoticeView {
  const locale = ctx.application.language;
  const t: Tr = (key, params) => translate(locale, key, params);
  const day = formatDate(ctx.application.date, locale);
  const base = lotteryBase(ctx, t, day);
  const documents = ctx.office.documents.map((d) => pick(d, locale)).filter(Boolean);
  const at = (
    key: Exclude<LotteryChange['type'], 'lottery.lapsed'> extends `lottery.${infer K}`
      ? K | 'unconfirmed' | 'declined'
      : never,
  ) => ({ ...base, subject: t(`lottery.mail.${key}.subject`, { date: day }) });
  switch (change.type) {
    case 'lottery.applied':
      return {
        ...at('applied'),
        heading: t('lottery.status.applied'),
        paragraphs: [
          t('lottery.mail.applied.lead', { office: pick(ctx.office.name, locale), date: day }),
          ...(ctx.drawAt
            ? [
                t('lottery.status.applied_text', {
                  drawAt: formatInstant(ctx.drawAt, ctx.office.timezone, locale),
                }),
              ]
            : []),
          t('lottery.day.fair'),
        ],
      };
    case 'lottery.won':
      return wonView(ctx, change, { ...at('won'), documents }, t, day);
    case 'lottery.not_drawn':
      return {
        ...at('not_drawn'),
        heading: t('lottery.status.not_drawn'),
        paragraphs: [t('lottery.status.not_drawn_text', { rank: change.rank })],
      };
    case 'lottery.lapsed': {
      const declined = change.reason === 'declined';
      return {
        ...at(change.reason),
        heading: t(declined ? 'lottery.status.declined' : 'lottery.status.lapsed'),
        paragraphs: [t(declined ? 'lottery.status.declined_text' : 'lottery.status.lapsed_text')],
      };
    }
    case 'lottery.excluded':
      return {
        ...at('excluded'),
        heading: t('lottery.status.excluded'),
        paragraphs: [
          t('lottery.status.excluded_text'),
          t(EXCLUDED_REASON[change.reason] ?? 'lottery.excluded.other'),
        ],
      };
    case 'lottery.confirmed':
      return {
        ...at('confirmed'),
        documents,
        details: [...base.details, { label: t('mail.label.time'), value: ctx.application.start ?? '' }],
        heading: t('lottery.status.confirmed'),
        paragraphs: [t('lottery.mail.confirmed.lead')],
      };
  }
}

function wonView(
  ctx: LotteryMailContext,
  change: Extract<LotteryChange, { type: 'lottery.won' }>,
  base: Omit<NoticeView, 'heading' | 'paragraphs'>,
  t: Tr,
  day: string,
): NoticeView {
  const locale = ctx.application.language;
  return {
    ...base,
    details: [...base.details, { label: t('mail.label.time'), value: change.start }],
    heading: t('lottery.status.won'),
    paragraphs: [
      t('lottery.mail.won.lead', { date: day, start: change.start, office: pick(ctx.office.name, locale) }),
      ...(change.passedOn ? [t('lottery.status.passed_on')] : []),
    ],
    highlight: {
      label: t('mail.label.offer_expires'),
      text: t('lottery.status.confirm_by', {
        at: formatInstant(change.confirmBy, ctx.office.timezone, locale),
      }),
    },
    action: { ...base.action!, label: t('lottery.status.confirm') },
  };
}
