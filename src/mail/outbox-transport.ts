// The development transport (SMTP_URL unset): messages are kept in MongoDB and read by
// administrators at /staff/outbox, so nothing a demo sends is lost or sent to a real person.
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { newOutboxEmailDocument, storeOutboxMessage } from '../models/outbox-message.model.ts';
import type { MailTransport, OutgoingMessage } from './message.ts';

// Messages sent at the same moment (a rush of confirmations, and their texts) are stored in one insert.
export function outboxTransport(opts: { from: string }): MailTransport {
  return {
    kind: 'outbox',
    async send(message: OutgoingMessage) {
      const messageId = message.messageId ?? `<${randomUUID()}@outbox.localhost>`;
      const key = message.headers?.['X-Notification-Key'];
      const doc = newOutboxEmailDocument(
        {
          messageId,
          from: opts.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          attachments: message.attachments ?? [],
          ...(key ? { notificationKey: key } : {}),
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
