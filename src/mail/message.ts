// What the application hands a mail transport, whichever transport it is.

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: string;
}

export interface OutgoingMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments?: MailAttachment[];
  /** A stable Message-ID derived from the notification key: a receiving server may drop repeats. */
  messageId?: string;
  headers?: Record<string, string>;
  /** The office the message is about (not sent): the development outbox shows it to that office's staff. */
  officeId?: string;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'outbox';
  /** Resolves once the server (or the outbox) has accepted the message; rejects otherwise. */
  send(message: OutgoingMessage): Promise<{ messageId: string }>;
  close(): void;
}

/**
 * Transient failures (a 4xx reply, a dropped or refused connection, a timeout) are worth
 * retrying later; a 5xx reply (unknown mailbox, message refused) will not get better.
 */
export function isPermanentMailError(err: unknown): boolean {
  const code = (err as { responseCode?: unknown })?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

export function mailErrorText(err: unknown): string {
  const e = err as { response?: unknown; message?: unknown; code?: unknown };
  const text = typeof e?.response === 'string' ? e.response : String(e?.message ?? err);
  const code = typeof e?.code === 'string' ? `${e.code}: ` : '';
  return `${code}${text}`.slice(0, 500);
}
