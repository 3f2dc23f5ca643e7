// The message areas, one file each under messages/. Add a line per new area, in both lists.
import type { AreaMessages, KeysOf } from './area.ts';
import { bookingMessages } from './messages/booking.ts';
import { ceremonyMessages } from './messages/ceremony.ts';
import { commonMessages } from './messages/common.ts';
import { journeyMessages } from './messages/journey.ts';
import { lotteryMessages } from './messages/lottery.ts';
import { mailMessages } from './messages/mail.ts';
import { pageMessages } from './messages/page.ts';
import { privacyMessages } from './messages/privacy.ts';
import { smsMessages } from './messages/sms.ts';
import { staffMessages } from './messages/staff.ts';
import { verificationMessages } from './messages/verification.ts';

export const catalog: AreaMessages[] = [
  commonMessages,
  bookingMessages,
  ceremonyMessages,
  staffMessages,
  lotteryMessages,
  mailMessages,
  smsMessages,
  privacyMessages,
  journeyMessages,
  verificationMessages,
  pageMessages,
];

/** Every message key there is: a key that is not in the catalog fails the type check. */
export type MessageKey =
  | KeysOf<typeof commonMessages>
  | KeysOf<typeof bookingMessages>
  | KeysOf<typeof ceremonyMessages>
  | KeysOf<typeof staffMessages>
  | KeysOf<typeof lotteryMessages>
  | KeysOf<typeof mailMessages>
  | KeysOf<typeof smsMessages>
  | KeysOf<typeof privacyMessages>
  | KeysOf<typeof journeyMessages>
  | KeysOf<typeof verificationMessages>
  | KeysOf<typeof pageMessages>;
