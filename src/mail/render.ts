// Renders the e-mail templates of views/emails/: each message has an HTML and a plain-text
// version, in the recipient's language (t() and pick() are bound to it).
import path from 'node:path';
import type { Locale } from '../i18n/locales.ts';
import { pick, translator } from '../i18n/translate.ts';
import { projectPath } from '../lib/paths.ts';
import { createTemplateCache } from '../lib/template-cache.ts';

const EMAIL_VIEWS = projectPath('views', 'emails');

export interface RenderedBody {
  html: string;
  text: string;
}

export interface EmailRenderer {
  render(template: string, locale: Locale, locals: Record<string, unknown>): Promise<RenderedBody>;
}

/**
 * Each template is compiled once and kept: compiling it for every message cost a rush of
 * confirmations more than sending them. `reload` (VIEWS_RELOAD, while editing templates)
 * compiles a template again when its file changed; `dir` is for tests.
 */
export function createEmailRenderer(opts: { reload: boolean; dir?: string }): EmailRenderer {
  const dir = opts.dir ?? EMAIL_VIEWS;
  const templates = createTemplateCache({ reload: opts.reload });
  return {
    async render(template, locale, locals) {
      const data = {
        ...locals,
        locale,
        t: translator(locale),
        pick: (v: { zh: string; en?: string } | undefined) => pick(v, locale),
      };
      const html = templates.get(path.join(dir, `${template}.html.ejs`))(data);
      const text = templates.get(path.join(dir, `${template}.text.ejs`))(data);
      return { html, text: tidyText(text) };
    },
  };
}

/** Templates leave blank runs where optional parts are absent: at most one blank line remains. */
function tidyText(text: string): string {
  return `${text
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}
