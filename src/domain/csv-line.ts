// Splits one line of a CSV file into fields (RFC 4180 quoting: "a, b" and "" for a
// quote). Files staff export from Excel or WPS quote a label that holds a comma.
export type CsvLine = { ok: true; fields: string[] } | { ok: false };

export function splitCsvLine(line: string): CsvLine {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (quoted) {
      if (char !== '"') field += char;
      else if (line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  // An unterminated quote would swallow the rest of the line: reject it instead.
  if (quoted) return { ok: false };
  fields.push(field);
  return { ok: true, fields };
}
