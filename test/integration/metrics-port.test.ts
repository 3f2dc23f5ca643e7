// METRICS_PORT in the real server process: /metrics answers on that port of the same host, and
// nowhere on the public port; nothing else of the application is served there.
import assert from 'node:assert/strict';
import { testDbName, testMongoUri } from '../helpers/mongo.ts';
import { type AppProcess, freePort, startAppProcess } from '../helpers/server.ts';

describe('the server with METRICS_PORT', function () {
  this.timeout(120_000);
  let app: AppProcess | undefined;

  afterEach(async () => {
    await app?.kill('SIGTERM');
    app = undefined;
  });

  it('serves /metrics on its own port only, and shuts both ports down on SIGTERM', async () => {
    const metricsPort = await freePort();
    app = await startAppProcess({
      mongodbUri: testMongoUri(),
      dbName: testDbName('metrics_port'),
      env: { METRICS_PORT: String(metricsPort), METRICS_TOKEN: undefined },
    });
    const metricsUrl = `http://127.0.0.1:${metricsPort}`;
    assert.equal((await fetch(`${app.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${app.url}/metrics`)).status, 404, '/metrics on the public port');
    const scraped = await fetch(`${metricsUrl}/metrics`);
    assert.equal(scraped.status, 200, app.output());
    assert.match(await scraped.text(), /^registry_database_up 1$/m);
    assert.equal((await fetch(`${metricsUrl}/`)).status, 404, 'the application on the metrics port');
    await app.kill('SIGTERM');
    app = undefined;
    await assert.rejects(fetch(`${metricsUrl}/metrics`), 'the metrics port still open after shutdown');
  });
});
