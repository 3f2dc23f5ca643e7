// Links in messages that open something private: a couple's booking (/booking/<token>), a
// lottery application's status (/lottery/a/<token>), a staff member's password or unlock link.
// Staff who read the development outbox never need them (they open a booking by its
// reference), so the outbox shows them masked: the first four characters, then asterisks.

const PRIVATE_LINK = /(\/(?:booking|lottery\/a|staff\/password|staff\/unlock)\/)([A-Za-z0-9_-]{16,})/g;

export function maskPrivateLinks(text: string): string {
  return text.replace(
    PRIVATE_LINK,
    (_m, path: string, token: string) => `${path}${token.slice(0, 4)}********`,
  );
}

/**
 * A text attachment masked the same way. An iCalendar file folds long lines (a line break and
 * a space every 75 octets), which can split a link: it is unfolded first.
 */
export function maskAttachment(contentType: string, content: string): string {
  if (!contentType.startsWith('text/')) return content;
  const unfolded = contentType.startsWith('text/calendar') ? content.replace(/\r?\n[ \t]/g, '') : content;
  return maskPrivateLinks(unfolded);
}
