// The shape every message to a couple takes before it is rendered by views/emails/notice.*.ejs:
// a heading, a few sentences, the facts (reference, date, time, office, address), the
// documents to bring, and one link. Builders fill it in the recipient's language.
import type { MailAttachment } from './message.ts';

export interface NoticeView {
  subject: string;
  heading: string;
  paragraphs: string[];
  /** A highlighted note: the office's message for the day, a closure notice, an offer deadline. */
  highlight?: { label: string; text: string };
  details: { label: string; value: string }[];
  documents: string[];
  documentsLabel: string;
  action?: { label: string; url: string; hint?: string };
  footer: string[];
}

export interface BuiltMessage {
  template: 'notice' | 'roster' | 'peak-days';
  subject: string;
  locals: Record<string, unknown>;
  attachments?: MailAttachment[];
}
