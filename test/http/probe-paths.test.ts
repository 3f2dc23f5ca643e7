// The probes (/healthz, /readyz) and the scraper's /metrics are matched as a router matches a
// path: any letter case, one trailing slash, any query string, GET and HEAD; everything else
// (another method, a longer path, an encoded letter) is not theirs and is answered as any
// other request is.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { buildTestApp, resetDatabase } from '../helpers/test-app.ts';

const NOW = '2026-08-03T02:00:00.000Z';
const TOKEN = 'metrics-token-0123456789-abcdefghijkl';

describe('probe and metrics paths', () => {
  before(async () => {
    await resetDatabase();
  });

  it('answers the probes in any letter case, with a trailing slash or a query string, to GET and HEAD', async () => {
    const t = await buildTestApp({ now: NOW });
    for (const path of [
      '/healthz',
      '/healthz/',
      '/HEALTHZ',
      '/Healthz?x=1',
      '/healthz/?a=b&c',
      '/healthz?',
    ]) {
      const res = await request(t.app).get(path).expect(200);
      assert.deepEqual(res.body, { status: 'ok' }, path);
      await request(t.app).head(path).expect(200);
    }
    for (const path of ['/readyz', '/readyz/', '/READYZ?probe=1']) {
      const res = await request(t.app).get(path).expect(200);
      assert.deepEqual(res.body, { status: 'ready', checks: { database: true } }, path);
      await request(t.app).head(path).expect(200);
    }
  });

  it('answers a probe asked by an absolute-form target (GET http://host/healthz)', async () => {
    const t = await buildTestApp({ now: NOW });
    const server = t.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const req = httpRequest({ host: '127.0.0.1', port, path: `http://127.0.0.1:${port}/healthz?x=1` });
      req.end();
      const [res] = await once(req, 'response');
      let text = '';
      for await (const chunk of res) text += chunk;
      assert.equal(res.statusCode, 200);
      assert.deepEqual(JSON.parse(text), { status: 'ok' });
    } finally {
      server.close();
    }
  });

  it('leaves other methods, longer paths and encoded letters to the rest of the app', async () => {
    const t = await buildTestApp({ now: NOW });
    for (const path of [
      '/healthzz',
      '/healthz/x',
      '/healthz//',
      '//healthz',
      '/health%7A',
      '/readyz/1',
      '/health',
    ]) {
      const res = await request(t.app).get(path).set('Accept', 'text/html');
      assert.equal(res.status, 404, path);
    }
    const posted = await request(t.app).post('/healthz').set('Accept', 'text/html');
    assert.notEqual(posted.status, 200);
    assert.ok(!posted.text.includes('"status":"ok"'));
    const deleted = await request(t.app).delete('/readyz');
    assert.notEqual(deleted.status, 200);
  });

  it('serves /metrics to its scraper in any letter case, with a trailing slash or a query string', async () => {
    const t = await buildTestApp({ now: NOW, env: { METRICS_TOKEN: TOKEN } });
    for (const path of ['/metrics', '/metrics/', '/METRICS?x=1']) {
      const res = await request(t.app).get(path).set('Authorization', `Bearer ${TOKEN}`).expect(200);
      assert.match(res.text, /^# HELP /m, path);
      await request(t.app).head(path).set('Authorization', `Bearer ${TOKEN}`).expect(200);
      await request(t.app).get(path).expect(401);
    }
    for (const path of ['/metricsx', '/metrics/x']) {
      const res = await request(t.app).get(path).set('Authorization', `Bearer ${TOKEN}`);
      assert.equal(res.status, 404, path);
    }
  });
});
