// The message each couple gets about its lottery application, built from a lottery event in
// the couple's language as a notice (views/emails/notice.*.ejs), with the key that makes the
// job system send it at most once. The job system renders and sends it; this only says what
// it says, so that messages and pages tell the same story.

import { formatDate, formatInstant } from '../../i18n/format.ts';
import type { Locale } from '../../i18n/locales.ts';
import { pick, translate } from '../../i18n/translate.ts';
import type { BuiltMessage, NoticeView } from '../../mail/notice-view.ts';
import { LotteryApplicationModel } from '../../models/lottery-application.model.ts';
import type { LotteryEvent } from '../events.ts';
import type { ApplicationRecord, LotteryDeps } from './lottery-context.ts';
import { loadPlan, lotteryOf } from './lottery-context.ts';
import { statusToken } from './lottery-tokens.ts';

export interface LotteryNotice {
  to: string;
  locale: Locale;
  /** Unique per application and what happened: a retried job sends nothing twice. */
  key: string;
  message: BuiltMessage;
  /** The office of the application: who among staff may read the message. */
  officeId: string;
}

const EXCLUDED_REASON: Record<string, string> = {
  'booking.already_booked': 'lottery.excluded.already_booked',
  'booking.no_show_blocked': 'lottery.excluded.no_show',
};

export function createLotteryNotices(deps: Pick<LotteryDeps, 'secret' | 'schedule'>) {
  const { secret, schedule } = deps;

  /** The notice for a lottery event, or null when it concerns no couple (or no e-mail is known). */
  async function notice(event: LotteryEvent, baseUrl: string): Promise<LotteryNotice | null> {
    if (event.type === 'lottery.drawn') return null;
    const application = await LotteryApplicationModel.findById(event.applicationId).lean<ApplicationRecord>();
    if (!application?.email) return null;
    const office = await schedule.getOffice(application.office.toString());
    const settings = lotteryOf(await loadPlan(office, application.date));
    const locale = application.language;
    const t = (key: string, params?: Record<string, string | number>) => translate(locale, key, params);
    const zone = office.timezone;
    const when = (at: Date) => formatInstant(at, zone, locale);
    const day = formatDate(application.date, locale);
    const officeName = pick(office.name, locale);
    const lang = locale === 'en' ? '?lang=en' : '';
    const statusUrl = `${baseUrl}/lottery/a/${statusToken(secret, application._id)}${lang}`;

    const details = [
      { label: t('lottery.status.reference'), value: application.reference },
      { label: t('mail.label.date'), value: day },
      { label: t('mail.label.office'), value: officeName },
    ];
    const footer = [
      ...(office.phone ? [t('mail.footer.questions', { office: officeName, phone: office.phone })] : []),
      t('mail.footer.auto'),
    ];
    const base = {
      details,
      documents: [] as string[],
      documentsLabel: t('mail.label.documents'),
      action: { label: t('lottery.mail.open_status'), url: statusUrl, hint: t('mail.manage_hint') },
      footer,
    };
    let view: NoticeView;
    let key = `lottery:${event.applicationId}:${event.type}`;
    switch (event.type) {
      case 'lottery.applied':
        view = {
          ...base,
          subject: t('lottery.mail.applied.subject', { date: day }),
          heading: t('lottery.status.applied'),
          paragraphs: [
            t('lottery.mail.applied.lead', { office: officeName, date: day }),
            ...(settings ? [t('lottery.status.applied_text', { drawAt: when(settings.drawAt) })] : []),
            t('lottery.day.fair'),
          ],
        };
        break;
      case 'lottery.won': {
        key = `${key}:${event.start}`;
        view = {
          ...base,
          details: [...details, { label: t('mail.label.time'), value: event.start }],
          documents: office.documents.map((d) => pick(d, locale)).filter(Boolean),
          subject: t('lottery.mail.won.subject', { date: day }),
          heading: t('lottery.status.won'),
          paragraphs: [
            t('lottery.mail.won.lead', { date: day, start: event.start, office: officeName }),
            ...(event.passedOn ? [t('lottery.status.passed_on')] : []),
          ],
          highlight: {
            label: t('mail.label.offer_expires'),
            text: t('lottery.status.confirm_by', { at: when(event.confirmBy) }),
          },
          action: { ...base.action, label: t('lottery.status.confirm') },
        };
        break;
      }
      case 'lottery.not_drawn':
        view = {
          ...base,
          subject: t('lottery.mail.not_drawn.subject', { date: day }),
          heading: t('lottery.status.not_drawn'),
          paragraphs: [t('lottery.status.not_drawn_text', { rank: event.rank })],
        };
        break;
      case 'lottery.lapsed':
        view = {
          ...base,
          subject: t(`lottery.mail.${event.reason}.subject`, { date: day }),
          heading: t(event.reason === 'declined' ? 'lottery.status.declined' : 'lottery.status.lapsed'),
          paragraphs: [
            t(event.reason === 'declined' ? 'lottery.status.declined_text' : 'lottery.status.lapsed_text'),
          ],
        };
        break;
      case 'lottery.excluded':
        view = {
          ...base,
          subject: t('lottery.mail.excluded.subject', { date: day }),
          heading: t('lottery.status.excluded'),
          paragraphs: [
            t('lottery.status.excluded_text'),
            t(EXCLUDED_REASON[event.reason] ?? 'lottery.excluded.other'),
          ],
        };
        break;
      case 'lottery.confirmed':
        view = {
          ...base,
          documents: office.documents.map((d) => pick(d, locale)).filter(Boolean),
          details: [...details, { label: t('mail.label.time'), value: application.start ?? '' }],
          subject: t('lottery.mail.confirmed.subject', { date: day }),
          heading: t('lottery.status.confirmed'),
          paragraphs: [t('lottery.mail.confirmed.lead')],
        };
        break;
    }
    return {
      to: application.email,
      locale,
      key,
      message: { template: 'notice', subject: view.subject, locals: { view } },
      officeId: application.office.toString(),
    };
  }

  return { notice };
}
