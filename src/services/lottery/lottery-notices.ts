// The message each couple gets about its lottery application: the facts it needs (the
// application, its office, the draw time, the private status link) and the key that makes the
// job system send it at most once. mail/builders/lottery-messages.ts builds its wording; the
// job system renders and sends it.

import type { Locale } from '../../i18n/locales.ts';
import { lotteryNoticeMessage } from '../../mail/builders/lottery-messages.ts';
import type { BuiltMessage } from '../../mail/notice-view.ts';
import { LotteryApplicationModel } from '../../models/lottery-application.model.ts';
import type { LotteryEvent } from '../events.ts';
import type { ApplicationRecord, LotteryDeps } from './lottery-context.ts';
import { loadPlan, lotteryOf } from './lottery-context.ts';
import { storedStatusToken } from './lottery-tokens.ts';

export interface LotteryNotice {
  to: string;
  locale: Locale;
  /** Unique per application and what happened: a retried job sends nothing twice. */
  key: string;
  message: BuiltMessage;
  /** The office of the application: who among staff may read the message. */
  officeId: string;
}

/** Unique per application and what happened (a place won twice, at two times, is told twice). */
export function lotteryNoticeKey(event: Exclude<LotteryEvent, { type: 'lottery.drawn' }>): string {
  return `lottery:${event.applicationId}:${event.type}${event.type === 'lottery.won' ? `:${event.start}` : ''}`;
}

/** The notice for a lottery event, or null when it concerns no couple (or no e-mail is known). */
export async function notice(
  deps: Pick<LotteryDeps, 'secret' | 'previousSecrets' | 'schedule'>,
  event: LotteryEvent,
  baseUrl: string,
): Promise<LotteryNotice | null> {
  const { schedule } = deps;
  if (event.type === 'lottery.drawn') return null;
  const application = await LotteryApplicationModel.findById(event.applicationId).lean<ApplicationRecord>();
  if (!application?.email) return null;
  const office = await schedule.getOffice(application.office.toString());
  const settings = lotteryOf(await loadPlan(office, application.date));
  const lang = application.language === 'en' ? '?lang=en' : '';
  const statusUrl = `${baseUrl}/lottery/a/${storedStatusToken(deps, application)}${lang}`;
  const key = lotteryNoticeKey(event);
  return {
    to: application.email,
    locale: application.language,
    key,
    message: lotteryNoticeMessage(
      { application, office, statusUrl, ...(settings ? { drawAt: settings.drawAt } : {}) },
      event,
    ),
    officeId: application.office.toString(),
  };
}
