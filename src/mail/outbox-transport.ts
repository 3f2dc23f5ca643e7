// The development transport (SMTP_URL unset): messages are kept in MongoDB and read by
// administrators at /staff/outbox, so nothing a demo sends is lost or sent to a real person.
import { randomUUID } from 'node:crypto';
import { OutboxMessageModel } from '../models/outbox-message.model.ts';
import type { MailTransport, OutgoingMessage } from './message.ts';

export function outboxTransport(opts: { from: string }): MailTransport {
  return {
    kind: 'outbox',
    async send(message: OutgoingMessage) {
      const messageId = message.messageId ?? `<${randomUUID()}@outbox.localhost>`;
      await OutboxMessageModel.create({
        messageId,
        from: opts.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        attachments: message.attachments ?? [],
        ...(message.headers?.['X-Notification-Key']
          ? { notificationKey: message.headers['X-Notification-Key'] }
          : {}),
        ...(message.officeId ? { office: message.officeId } : {}),
      });
      return { messageId };
    },
    close() {},
  };
}
