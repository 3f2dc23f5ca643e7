// The hardening headers are asked of helmet once and set on every answer as they were given:
// the same names, values and order as helmet's own middleware sets on each request.
import assert from 'node:assert/strict';
import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import {
  recordHeaders,
  securityHeaders,
  securityOptions,
} from '../../src/web/middleware/security-headers.ts';

const POLICY =
  "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';" +
  "frame-ancestors 'none';img-src 'self' data:;object-src 'none';script-src 'self';" +
  "script-src-attr 'none';style-src 'self'";

function expected(secure: boolean): [string, string][] {
  return [
    ['content-security-policy', secure ? `${POLICY};upgrade-insecure-requests` : POLICY],
    ['cross-origin-opener-policy', 'same-origin'],
    ['cross-origin-resource-policy', 'same-origin'],
    ['origin-agent-cluster', '?1'],
    ['referrer-policy', 'no-referrer'],
    ...(secure
      ? [['strict-transport-security', 'max-age=31536000; includeSubDomains'] as [string, string]]
      : []),
    ['x-content-type-options', 'nosniff'],
    ['x-dns-prefetch-control', 'off'],
    ['x-download-options', 'noopen'],
    ['x-frame-options', 'SAMEORIGIN'],
    ['x-permitted-cross-domain-policies', 'none'],
    ['x-xss-protection', '0'],
  ];
}

/** The headers an answer carries, in the order they were set, without those of Node itself. */
async function headersOf(middleware: express.RequestHandler): Promise<[string, string][]> {
  const app = express();
  app.use(middleware);
  app.get('/', (_req, res) => void res.json({ ok: true }));
  const res = await request(app).get('/').expect(200);
  const own = new Set(
    expected(true)
      .map(([name]) => name)
      .concat('x-powered-by'),
  );
  return Object.entries(res.headers as Record<string, string>).filter(([name]) => own.has(name));
}

describe('security headers', () => {
  for (const secure of [false, true]) {
    it(`are exactly helmet's, set once per answer (${secure ? 'behind https' : 'plain http'})`, async () => {
      const ours = await headersOf(securityHeaders(secure));
      assert.deepEqual(ours, expected(secure));
      assert.deepEqual(ours, await headersOf(helmet(securityOptions(secure))), 'as helmet sets them');
    });
  }

  it('removes X-Powered-By, as helmet does', async () => {
    const app = express();
    app.use(securityHeaders(false));
    app.get('/', (_req, res) => void res.json({ ok: true }));
    const res = await request(app).get('/').expect(200);
    assert.equal(res.headers['x-powered-by'], undefined);
  });

  it('refuses, at start, a policy that depends on the request', () => {
    const withNonce = helmet({
      contentSecurityPolicy: { directives: { scriptSrc: [(req) => `'nonce-${String(req.url)}'`] } },
    });
    assert.throws(() => recordHeaders(withNonce), /read the request/);
  });
});
