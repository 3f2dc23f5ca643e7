// The development sender (SMS_PROVIDER unset): texts are kept in the development outbox beside
// the e-mails, marked as texts, so nothing a demo sends reaches a real phone. The copy is the
// text as the phone would show it, signature first.
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { newOutboxSmsDocument, storeOutboxMessage } from '../models/outbox-message.model.ts';
import type { SmsMessage, SmsSender } from './message.ts';
import { signedText } from './segments.ts';

export function outboxSmsSender(opts: { signName: string }): SmsSender {
  return {
    kind: 'outbox',
    async send(message: SmsMessage) {
      const messageId = `sms-${randomUUID()}`;
      // Stored with the e-mails sent at the same moment, in one insert.
      const doc = newOutboxSmsDocument(
        {
          messageId,
          from: opts.signName,
          to: message.to,
          subject: message.text,
          text: signedText(opts.signName, message.text),
          smsTemplate: {
            code: message.templateCode,
            params: message.params.map(([name, value]) => ({ name, value })),
          },
          ...(message.notificationKey ? { notificationKey: message.notificationKey } : {}),
          ...(message.officeId ? { office: new Types.ObjectId(message.officeId) } : {}),
        },
        new Date(),
      );
      await storeOutboxMessage(doc);
      return { messageId };
    },
    close() {},
  };
}
