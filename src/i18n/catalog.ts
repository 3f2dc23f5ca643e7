// The message areas, one file each under messages/. Add a line per new area.
import type { AreaMessages } from './area.ts';
import { bookingMessages } from './messages/booking.ts';
import { ceremonyMessages } from './messages/ceremony.ts';
import { commonMessages } from './messages/common.ts';
import { lotteryMessages } from './messages/lottery.ts';
import { mailMessages } from './messages/mail.ts';
import { smsMessages } from './messages/sms.ts';
import { staffMessages } from './messages/staff.ts';

export const catalog: AreaMessages[] = [
  commonMessages,
  bookingMessages,
  ceremonyMessages,
  staffMessages,
  lotteryMessages,
  mailMessages,
  smsMessages,
];
