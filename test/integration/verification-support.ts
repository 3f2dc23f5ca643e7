// A verification service on the test database with a fixed clock, sending through a sender
// that keeps what it was handed.
import type { SmsConfig } from '../../src/config.ts';
import { createSystemRandom } from '../../src/lib/clock.ts';
import {
  createVerificationService,
  type VerificationPolicy,
} from '../../src/services/verification/verification-codes.ts';
import type { SmsMessage, SmsSender } from '../../src/sms/message.ts';
import { TEST_SECRET, type TestClock, testClock } from '../helpers/test-app.ts';

export const START = '2031-06-09T02:00:00.000Z';

export interface RecordingSender extends SmsSender {
  sent: SmsMessage[];
  /** Refuse every text from now on with this error. */
  failWith?: Error;
}

export function recordingSender(): RecordingSender {
  const sender: RecordingSender = {
    kind: 'outbox',
    sent: [],
    async send(message) {
      if (sender.failWith) throw sender.failWith;
      sender.sent.push(message);
      return { messageId: `m${sender.sent.length}` };
    },
    close() {},
  };
  return sender;
}

export interface VerificationWorld {
  clock: TestClock;
  sender: RecordingSender;
  service: ReturnType<typeof createVerificationService>;
}

export function verificationWorld(
  opts: { policy?: Partial<VerificationPolicy>; sms?: Partial<SmsConfig> } = {},
): VerificationWorld {
  const clock = testClock(START);
  const sender = recordingSender();
  const service = createVerificationService({
    clock,
    random: createSystemRandom(),
    secret: TEST_SECRET,
    sender,
    sms: { provider: undefined, templates: {}, signName: '锦江区民政局', ...opts.sms },
    ...(opts.policy ? { policy: opts.policy } : {}),
  });
  return { clock, sender, service };
}

/** The code in the last text sent. */
export function lastCode(sender: RecordingSender): string {
  const code = sender.sent.at(-1)?.params.find(([name]) => name === 'code')?.[1];
  if (!code) throw new Error('no code was sent');
  return code;
}

/** A code other than `code`. */
export function otherThan(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}
