// Delivery through the SMTP server of SMTP_URL, over a small pool of kept-open connections
// (a reminder rush sends thousands of messages in a minute; one connection each would not do).
import { createTransport } from 'nodemailer';
import type { MailTransport, OutgoingMessage } from './message.ts';

export interface SmtpOptions {
  url: string;
  from: string;
  maxConnections?: number;
}

export function smtpTransport(opts: SmtpOptions): MailTransport {
  const transporter = createTransport({
    url: opts.url,
    pool: true,
    maxConnections: opts.maxConnections ?? 5,
    maxMessages: 500,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  } as Parameters<typeof createTransport>[0] & { pool: true });
  return {
    kind: 'smtp',
    async send(message: OutgoingMessage) {
      const info = await transporter.sendMail({
        from: opts.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        ...(message.messageId ? { messageId: message.messageId } : {}),
        ...(message.headers ? { headers: message.headers } : {}),
        attachments: (message.attachments ?? []).map((a) => ({
          filename: a.filename,
          contentType: a.contentType,
          content: a.content,
        })),
      });
      return { messageId: String(info.messageId ?? message.messageId ?? '') };
    },
    close() {
      transporter.close();
    },
  };
}
