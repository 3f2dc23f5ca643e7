// Renders the e-mail templates of views/emails/: each message has an HTML and a plain-text
// version, in the recipient's language (t() and pick() are bound to it).
import path from 'node:path';
import ejs from 'ejs';
import type { Locale } from '../i18n/locales.ts';
import { pick, translator } from '../i18n/translate.ts';
import { projectPath } from '../lib/paths.ts';

const EMAIL_VIEWS = projectPath('views', 'emails');

export interface RenderedBody {
  html: string;
  text: string;
}

export interface EmailRenderer {
  render(template: string, locale: Locale, locals: Record<string, unknown>): Promise<RenderedBody>;
}

/** `cache` keeps compiled templates (on everywhere but development, where templates are edited). */
export function createEmailRenderer(opts: { cache: boolean }): EmailRenderer {
  const file = (name: string) => path.join(EMAIL_VIEWS, name);
  return {
    async render(template, locale, locals) {
      const data = {
        ...locals,
        locale,
        t: translator(locale),
        pick: (v: { zh: string; en?: string } | undefined) => pick(v, locale),
      };
      const options = { cache: opts.cache, async: false as const };
      const [html, text] = await Promise.all([
        ejs.renderFile(file(`${template}.html.ejs`), data, options),
        ejs.renderFile(file(`${template}.text.ejs`), data, options),
      ]);
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
