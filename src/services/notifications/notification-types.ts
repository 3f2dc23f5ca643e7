// What the notification service takes and gives.
import type { Logger } from 'pino';
import type { Config, SmsConfig } from '../../config.ts';
import type { BackgroundLane } from '../../lib/background-lane.ts';
import type { Clock } from '../../lib/clock.ts';
import type { MailTransport } from '../../mail/message.ts';
import type { EmailRenderer } from '../../mail/render.ts';
import type { SmsSender } from '../../sms/message.ts';
import type { LotteryEvent } from '../events.ts';
import type { LotteryNotice } from '../lottery/lottery-service.ts';
import type { ScheduleService } from '../schedule-service.ts';
import type { Preloaded } from './compose-appointment.ts';
import type { DeliveryWrites } from './delivery-writes.ts';

export type DeliveryOutcome = 'sent' | 'skipped' | 'duplicate' | 'retrying' | 'failed';

export interface DeliveryResult {
  outcome: DeliveryOutcome;
  key: string;
  notificationId?: string;
  attempts?: number;
  /** Why it was skipped, or the transport's error. */
  detail?: string;
  /** The text sent beside the e-mail (its own key, claim, retries and outcome). */
  sms?: DeliveryResult;
}

/** The text channel: the sender (a provider, or the development outbox) and its settings. */
export interface SmsChannel {
  sender: SmsSender;
  config: Pick<SmsConfig, 'provider' | 'templates' | 'signName'>;
}

export interface DeliverOptions {
  /** The private manage token, known only to the process that made the booking; never stored. */
  manageToken?: string;
  /** A locked staff account's unlock token, known only to the sign-in that locked it; never stored. */
  unlockToken?: string;
  preloaded?: Preloaded;
  /** Attempts before a transient failure becomes `failed` (default 5). */
  maxAttempts?: number;
}

export interface NotificationServiceDeps {
  clock: Clock;
  config: Pick<Readonly<Config>, 'baseUrl'>;
  logger: Logger;
  transport: MailTransport;
  renderer: EmailRenderer;
  schedule: ScheduleService;
  /** A `sending` claim older than this is taken to be from a process that died. */
  staleSendingMs?: number;
  /** Texts beside the e-mails; without it, only e-mails are sent. */
  sms?: SmsChannel;
  /** The application secret: the short links texts carry are derived with it. */
  secret?: string;
  /** Words the lottery's notices (services.lottery.notice); without it they are skipped. */
  lotteryNotice?: (event: LotteryEvent) => Promise<LotteryNotice | null>;
}

/** What the parts of the notification service share. */
export interface NotificationContext extends Omit<NotificationServiceDeps, 'staleSendingMs'> {
  /** Where messages wait their turns to be built and rendered behind the requests (background-lane.ts). */
  background: BackgroundLane;
  baseUrl: string;
  staleSendingMs: number;
  /** The host part of Message-IDs (BASE_URL's). */
  host: string;
  /** Claims and outcomes of many messages sent together, each in one command (delivery-writes.ts). */
  writes: DeliveryWrites;
}
