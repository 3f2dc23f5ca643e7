// RFC 5545 §3.1: content lines are folded at 75 octets (not characters); a Chinese address
// or description folded by character count makes lines of up to 225 octets, which strict
// calendar clients reject. Unfolds, then refolds by octets without splitting a character.
export function foldIcsByOctets(ics: string): string {
  const lines = ics.replace(/\r\n[ \t]/g, '').split('\r\n');
  return lines.map(foldLine).join('\r\n');
}

function foldLine(line: string): string {
  if (Buffer.byteLength(line) <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let size = 0;
  // The first line holds 75 octets; continuation lines begin with a space, so 74 more each.
  let limit = 75;
  for (const ch of line) {
    const n = Buffer.byteLength(ch);
    if (size + n > limit) {
      parts.push(current);
      current = '';
      size = 0;
      limit = 74;
    }
    current += ch;
    size += n;
  }
  parts.push(current);
  return parts.join('\r\n ');
}
