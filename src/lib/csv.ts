// CSV files that spreadsheets open correctly: UTF-8 with a byte-order mark (without it, Excel
// in a Chinese locale reads the file as GBK and garbles every name), CRLF line ends, RFC 4180
// quoting, and cells that would start a formula defused.

export const BOM = '\uFEFF';

/**
 * One cell. A leading = + - @ (or tab/CR) is prefixed with ' so no formula runs. Quoted when
 * needed (a comma, a quote, a line break), or always (`quote: 'always'`).
 */
export function csvCell(value: unknown, quote: 'when-needed' | 'always' = 'when-needed'): string {
  let text = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return quote === 'always' || /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole file: the byte-order mark, comment lines as they are, then the rows. */
export function csvFile(
  rows: unknown[][],
  opts: { comments?: string[]; quote?: 'when-needed' | 'always' } = {},
): string {
  const lines = [
    ...(opts.comments ?? []),
    ...rows.map((r) => r.map((v) => csvCell(v, opts.quote)).join(',')),
  ];
  return `${BOM}${lines.join('\r\n')}\r\n`;
}
