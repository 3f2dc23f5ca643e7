// A phone's browser as the pages scenario drives it: it keeps the cookies the app sets (the
// visitor id and the CSRF cookie), reads what it needs from the HTML (the slots with a
// "book" link, the form's hidden fields) with plain patterns, which cost the load generator
// far less than a parser, and posts the booking form as a browser encodes it.
import type { BenchPartner } from './bench-data.ts';
import type { Reply, Requester } from './http-load.ts';

export class Phone {
  private readonly cookies = new Map<string, string>();

  constructor(private request: Requester) {}

  /** The same phone (its cookies) sending through another load run's connections. */
  rebind(request: Requester): this {
    this.request = request;
    return this;
  }

  private headers(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
  }

  private keep(reply: Reply): Reply {
    for (const set of reply.headers['set-cookie'] ?? []) {
      const pair = set.split(';', 1)[0]!;
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return reply;
  }

  async get(path: string, label: string): Promise<Reply> {
    return this.keep(await this.request({ method: 'GET', path, headers: this.headers(), label }));
  }

  async post(path: string, form: URLSearchParams, label: string): Promise<Reply> {
    return this.keep(
      await this.request({ method: 'POST', path, form: form.toString(), headers: this.headers(), label }),
    );
  }
}

/** The slots a day page offers to book (those with places left), as HH:mm. */
export function bookableStarts(html: string): string[] {
  return [...html.matchAll(/\/book\?start=(\d\d:\d\d)"/g)].map((m) => m[1]!);
}

/** The value of a hidden field of the page's form. */
export function hiddenField(html: string, name: string): string | undefined {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
}

/** The booking form as the browser sends it, with the token and key the form page carried. */
export function bookingForm(
  partners: [BenchPartner, BenchPartner],
  fields: { start: string; csrf: string; idempotencyKey: string },
): URLSearchParams {
  const form = new URLSearchParams({
    _csrf: fields.csrf,
    start: fields.start,
    idempotencyKey: fields.idempotencyKey,
  });
  partners.forEach((p, i) => {
    form.set(`partners[${i}][name]`, p.name);
    form.set(`partners[${i}][idType]`, p.idType);
    form.set(`partners[${i}][idNumber]`, p.idNumber);
    form.set(`partners[${i}][phone]`, p.phone);
    form.set(`partners[${i}][birthDate]`, '');
    form.set(`partners[${i}][sex]`, '');
  });
  form.set('email', 'bench@example.com');
  form.set('language', 'zh-CN');
  return form;
}
