// Every answered request is counted once by method, route pattern and status: the pattern of
// the route that answered (its mount path's parameters masked), `static` for a file, `unmatched`
// when no route answered, the route's own pattern when its error was answered after the router
// was left; a "full" is counted from the refusal.
import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { httpMetrics } from '../../src/web/metrics/http-metrics.ts';
import { createMetrics } from '../../src/web/metrics/registry.ts';

function appWithMetrics() {
  const metrics = createMetrics({ snapshot: () => Promise.reject(new Error('not read here')) });
  const app = express();
  app.use(httpMetrics(metrics));
  const api = express.Router();
  api.get('/appointments/:reference', (req, res) => void res.json({ reference: req.params.reference }));
  api.post('/appointments', (_req, res) => {
    res.locals.refusalCode = 'slot_full';
    res.status(409).json({ error: { code: 'slot_full' } });
  });
  api.get('/broken', () => {
    throw new Error('broken');
  });
  app.use('/api/v1', api);
  const booking = express.Router({ mergeParams: true });
  booking.get('/ceremony', (_req, res) => void res.send('ceremony'));
  app.use('/booking/:token', booking);
  app.use('/public', (_req, res) => void res.send('file'));
  // The error is answered here, out of the API's router: its baseUrl is '' again.
  app.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).json({});
  });
  return { app, metrics };
}

async function counts(metrics: ReturnType<typeof createMetrics>) {
  const requests = (await metrics.httpRequests.get()).values.map(
    (v) => `${v.labels.method} ${v.labels.route} ${v.labels.status} ${v.value}`,
  );
  const durations = (await metrics.httpDuration.get()).values
    .filter((v) => v.metricName === 'registry_http_request_duration_seconds_count')
    .map((v) => `${v.labels.method} ${v.labels.route} ${v.value}`);
  return { requests: requests.sort(), durations: durations.sort() };
}

describe('HTTP metrics', () => {
  it('counts each answer by route pattern, never by its path', async () => {
    const { app, metrics } = appWithMetrics();
    await request(app).get('/api/v1/appointments/AB12-CD34').expect(200);
    await request(app).get('/api/v1/appointments/ZZ99-YY88').expect(200);
    await request(app).post('/api/v1/appointments').expect(409);
    await request(app).post('/api/v1/appointments').expect(409);
    await request(app).get('/api/v1/broken').expect(500);
    await request(app).get('/booking/AbCdEfGhIjKlMnOpQrStUvWxYz012345/ceremony').expect(200);
    await request(app).get('/booking/ZyXwVuTsRqPoNmLkJiHgFeDcBa987654/ceremony').expect(200);
    await request(app).get('/public/css/app.css').expect(200);
    await request(app).get('/nowhere').expect(404);
    const { requests, durations } = await counts(metrics);
    assert.deepEqual(requests, [
      'GET /api/v1/appointments/:reference 200 2',
      'GET /api/v1/broken 500 1',
      'GET /booking/:param/ceremony 200 2',
      'GET static 200 1',
      'GET unmatched 404 1',
      'POST /api/v1/appointments 409 2',
    ]);
    assert.deepEqual(durations, [
      'GET /api/v1/appointments/:reference 2',
      'GET /api/v1/broken 1',
      'GET /booking/:param/ceremony 2',
      'GET static 1',
      'GET unmatched 1',
      'POST /api/v1/appointments 2',
    ]);
    assert.equal((await metrics.full.get()).values[0]?.value, 2);
  });

  it('keeps req.route readable by the handlers, as the router set it', async () => {
    const { app } = appWithMetrics();
    let seen: unknown;
    app.get('/seen', (req, res) => {
      seen = req.route?.path;
      res.end();
    });
    // Registered after the error handler: reached for this path only.
    await request(app).get('/seen').expect(200);
    assert.equal(seen, '/seen');
  });

  it('counts every request of two applications apart', async () => {
    const one = appWithMetrics();
    const two = appWithMetrics();
    await request(one.app).get('/api/v1/appointments/AB12-CD34').expect(200);
    await request(two.app).get('/nowhere').expect(404);
    assert.deepEqual((await counts(one.metrics)).requests, ['GET /api/v1/appointments/:reference 200 1']);
    assert.deepEqual((await counts(two.metrics)).requests, ['GET unmatched 404 1']);
  });
});
