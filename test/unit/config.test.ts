import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('config', () => {
  it('has working defaults for npm start on a fresh machine', () => {
    const c = loadConfig({});
    assert.equal(c.port, 3000);
    assert.equal(c.baseUrl, 'http://localhost:3000');
    assert.equal(c.mongodbUri, undefined);
    assert.equal(c.dataDir, path.resolve('./data'));
    assert.equal(c.rateLimitPerMinute, 600);
    assert.equal(c.jobs, 'inline');
    assert.equal(c.cookieSecure, false);
    assert.equal(c.seedDemo, true);
    assert.ok(Object.isFrozen(c));
  });

  it('reads every variable and derives secure cookies from an https BASE_URL', () => {
    const c = loadConfig({
      PORT: '8080',
      BASE_URL: 'https://yuyue.example.cn/',
      MONGODB_URI: 'mongodb+srv://cluster.example.net/',
      RATE_LIMIT_PER_MINUTE: '0',
      SMTP_URL: 'smtp://mail:2525',
      JOBS: 'worker',
      SEED_DEMO: 'false',
      APP_SECRET: 'x'.repeat(32),
    });
    assert.equal(c.port, 8080);
    assert.equal(c.baseUrl, 'https://yuyue.example.cn');
    assert.equal(c.cookieSecure, true);
    assert.equal(c.rateLimitPerMinute, 0);
    assert.equal(c.jobs, 'worker');
    assert.equal(c.seedDemo, false);
    assert.equal(c.smtpUrl, 'smtp://mail:2525');
  });

  it('names every bad variable in one clear error', () => {
    assert.throws(
      () =>
        loadConfig({ PORT: 'eighty', MONGODB_URI: 'postgres://x', APP_SECRET: 'short', JOBS: 'sometimes' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        for (const name of ['PORT', 'MONGODB_URI', 'APP_SECRET', 'JOBS'])
          assert.match(err.message, new RegExp(name));
        return true;
      },
    );
  });

  it('treats empty variables as unset', () => {
    assert.equal(loadConfig({ MONGODB_URI: '', PORT: '' }).port, 3000);
  });

  it('reads reminder offsets and refuses unusable ones', () => {
    assert.deepEqual(loadConfig({}).reminders, [
      { id: 'day_before', daysBefore: 1, at: '18:00' },
      { id: 'same_day', daysBefore: 0, at: '07:30' },
    ]);
    assert.deepEqual(loadConfig({ REMINDERS: 'two_days:2@09:00,soon:120m' }).reminders, [
      { id: 'two_days', daysBefore: 2, at: '09:00' },
      { id: 'soon', minutesBefore: 120 },
    ]);
    for (const bad of ['tomorrow', 'a:1@25:00', 'a:1@09:00,a:0@07:30', 'far:20@09:00', 'now:1m']) {
      assert.throws(() => loadConfig({ REMINDERS: bad }), /REMINDERS/, bad);
    }
  });
});
