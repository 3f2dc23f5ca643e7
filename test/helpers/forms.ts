import * as cheerio from 'cheerio';
import type { Express } from 'express';
import request from 'supertest';

/** A browser-like agent: keeps cookies, reads the CSRF token from a form page, posts the form. */
export function browser(app: Express) {
  const agent = request.agent(app);
  return {
    agent,
    async get(path: string) {
      const res = await agent.get(path);
      return { res, $: cheerio.load(res.text) };
    },
    async csrfFrom(path: string): Promise<string> {
      const res = await agent.get(path);
      const token = cheerio.load(res.text)('input[name=_csrf]').first().val();
      if (typeof token !== 'string' || !token)
        throw new Error(`no CSRF token on ${path} (status ${res.status})`);
      return token;
    },
    async post(path: string, form: Record<string, unknown>) {
      const res = await agent
        .post(path)
        .type('form')
        .send(form as object);
      return { res, $: cheerio.load(res.text) };
    },
  };
}

/** Flattens { partners: [{ name }] } into the form's field names (partners[0][name]). */
export function formFields(value: unknown, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === null || value === undefined) return out;
  if (typeof value !== 'object') {
    out[prefix] = String(value);
    return out;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    Object.assign(out, formFields(v, prefix ? `${prefix}[${k}]` : k));
  }
  return out;
}
