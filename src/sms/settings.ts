// Parsers for the SMS settings that are more than a word (config.ts reads the environment and
// reports what these find wrong, naming the variable).
import {
  isSmsKind,
  SMS_KIND_PARAMS,
  SMS_KINDS,
  type SmsKind,
  type SmsParamName,
  type SmsTemplates,
} from './kinds.ts';

/**
 * SMS_TEMPLATES: `kind=CODE:param|param,...` (commas or new lines between entries), e.g.
 * `confirmation=SMS_460915001:reference|time|office|link,verification_code=SMS_460915009:code`.
 * The parameters are those the provider's template takes, in its order (Tencent Cloud numbers
 * them {1}, {2}...); a template without parameters is just `kind=CODE`.
 */
export function parseSmsTemplates(spec: string): { templates: SmsTemplates; problems: string[] } {
  const templates: Partial<Record<SmsKind, { code: string; params: readonly SmsParamName[] }>> = {};
  const problems: string[] = [];
  const entries = spec
    .split(/[,\n]/)
    .map((e) => e.trim())
    .filter(Boolean);
  if (!entries.length) problems.push('no template given');
  for (const entry of entries) {
    const m = /^([a-z_]+)\s*=\s*([A-Za-z0-9_-]+)\s*(?::\s*(.*))?$/.exec(entry);
    if (!m) {
      problems.push(`"${entry}" is not kind=CODE or kind=CODE:param|param`);
      continue;
    }
    const [, kind, code, list] = m as unknown as [string, string, string, string | undefined];
    if (!isSmsKind(kind)) {
      problems.push(`unknown kind "${kind}" (known: ${SMS_KINDS.join(', ')})`);
      continue;
    }
    if (templates[kind]) {
      problems.push(`${kind} is given twice`);
      continue;
    }
    const known: readonly string[] = SMS_KIND_PARAMS[kind];
    const params = (list ?? '')
      .split('|')
      .map((p) => p.trim())
      .filter(Boolean);
    const unknown = params.filter((p) => !known.includes(p));
    if (unknown.length)
      problems.push(`${kind}: unknown parameter "${unknown[0]}" (known: ${known.join(', ')})`);
    else if (new Set(params).size !== params.length) problems.push(`${kind}: a parameter is listed twice`);
    else templates[kind] = Object.freeze({ code, params: Object.freeze(params as SmsParamName[]) });
  }
  return { templates: Object.freeze(templates), problems };
}

export interface SmsEndpoint {
  protocol: 'http' | 'https';
  /** host[:port], as the SDKs take it. */
  host: string;
}

/** SMS_ENDPOINT: `host[:port]` (HTTPS) or `http(s)://host[:port]`; null when it is neither. */
export function parseSmsEndpoint(spec: string): SmsEndpoint | null {
  const m = /^(?:(https?):\/\/)?([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?\/?$/.exec(spec.trim());
  if (!m) return null;
  const port = m[3] ? Number(m[3].slice(1)) : undefined;
  if (port !== undefined && (port < 1 || port > 65535)) return null;
  return { protocol: m[1] === 'http' ? 'http' : 'https', host: `${m[2]}${m[3] ?? ''}` };
}
