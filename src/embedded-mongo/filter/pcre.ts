// MongoDB's regular expressions are PCRE; the engine runs them on JavaScript's engine. Most
// patterns mean the same in both, but some PCRE escapes are read by JavaScript as plain letters
// (`\A` would match "A", `\Z` "Z"): a silent wrong answer. So a pattern is translated first:
// PCRE's anchors (`\A`, `\z`, `\Z`), `\Q...\E` quoting, `\e` and `\a`, Python-style named groups
// leading inline options (`(?i)`) and Unicode properties (`\p{L}`, which need JavaScript's u
// flag) become their JavaScript equivalents, and any other escape
// that JavaScript would read differently is refused (51091) rather than misread. Constructs
// JavaScript lacks (possessive quantifiers, atomic groups) fail to compile and are refused too.
import { MongoCommandError } from '../errors.ts';

/** Escapes that mean the same in both engines (a letter JavaScript knows, or any non-letter). */
const SAME = new Set([
  'd',
  'D',
  'w',
  'W',
  's',
  'S',
  'b',
  'B',
  'n',
  'r',
  't',
  'f',
  'c',
  'x',
  'u',
  'k',
  'p',
  'P',
]);
const REPLACED: Record<string, string> = {
  A: '(?<![\\s\\S])',
  z: '(?![\\s\\S])',
  Z: '(?=\\n?(?![\\s\\S]))',
  e: '\\x1b',
  a: '\\x07',
};
const INLINE_OPTIONS = /^\(\?([imsx]+)\)/;

function refused(what: string): MongoCommandError {
  return new MongoCommandError(
    51091,
    `Regular expression is invalid: ${what} is not supported by the embedded engine's regular expressions`,
  );
}

const quote = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** A PCRE pattern and its options as a JavaScript source and flags (options still MongoDB's). */
export function translatePcre(pattern: string, options: string): { source: string; options: string } {
  let source = pattern;
  let opts = options;
  const inline = INLINE_OPTIONS.exec(source);
  if (inline) {
    opts += inline[1];
    source = source.slice(inline[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') {
      const next = source[i + 1] ?? '';
      i++;
      if (next === 'Q') {
        const end = source.indexOf('\\E', i + 1);
        const literal = source.slice(i + 1, end === -1 ? source.length : end);
        out += quote(literal);
        i = end === -1 ? source.length : end + 1;
      } else if (next === 'E') {
        // An \E with no \Q before it is ignored, as in PCRE.
      } else if (!inClass && REPLACED[next]) out += REPLACED[next];
      else if (inClass && (next === 'e' || next === 'a')) out += REPLACED[next];
      else if (/[A-Za-z]/.test(next) && !SAME.has(next)) throw refused(`\\${next}`);
      else {
        // Unicode properties need JavaScript's u flag; PCRE in MongoDB always reads UTF-8.
        if ((next === 'p' || next === 'P') && !opts.includes('u')) opts += 'u';
        out += ch + next;
      }
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
    } else if (ch === '[') {
      // PCRE reads a ']' first in a class as a literal; JavaScript as the end of an empty class.
      inClass = true;
      out += '[';
      if (source[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (source[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    } else if (source.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    } else if (source.startsWith('(?P=', i)) {
      const end = source.indexOf(')', i);
      out += `\\k<${source.slice(i + 4, end)}>`;
      i = end;
      continue;
    } else if (source.startsWith('(?P>', i) || /^\(\?[imsx-]+[:)]/.test(source.slice(i))) {
      throw refused(source.slice(i, source.indexOf(')', i) + 1) || '(?');
    }
    out += ch;
  }
  return { source: out, options: opts };
}
