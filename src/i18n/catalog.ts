// The message areas, one file each under messages/. Add a line per new area.
import type { AreaMessages } from './area.ts';
import { bookingMessages } from './messages/booking.ts';
import { commonMessages } from './messages/common.ts';

export const catalog: AreaMessages[] = [commonMessages, bookingMessages];
