// The transport factory: SMTP when SMTP_URL is set, the development outbox otherwise.
// Called by the composition root; creating a transport opens no connection.
import type { Config } from '../config.ts';
import type { MailTransport } from './message.ts';
import { outboxTransport } from './outbox-transport.ts';
import { smtpTransport } from './smtp-transport.ts';

export function createMailTransport(config: Pick<Config, 'smtpUrl' | 'mailFrom'>): MailTransport {
  if (config.smtpUrl) return smtpTransport({ url: config.smtpUrl, from: config.mailFrom });
  return outboxTransport({ from: config.mailFrom });
}
