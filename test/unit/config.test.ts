import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError, loadConfig, loadStorageConfig } from '../../src/config.ts';

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

  describe('in production (NODE_ENV=production)', () => {
    const complete = {
      NODE_ENV: 'production',
      APP_SECRET: 's'.repeat(40),
      BASE_URL: 'https://yuyue.example.gov.cn',
      SMTP_URL: 'smtp://mail.example.gov.cn:587',
      MONGODB_URI: 'mongodb://db1,db2,db3/?replicaSet=rs0',
    };
    const refusal = (env: Record<string, string>): string => {
      try {
        loadConfig(env);
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        return err.message;
      }
      return assert.fail(`accepted ${JSON.stringify(env)}`);
    };

    it('refuses to start without what production needs, naming each missing variable in one message', () => {
      const message = refusal({ NODE_ENV: 'production' });
      assert.match(message, /APP_SECRET: required when NODE_ENV=production/);
      assert.match(message, /BASE_URL: required when NODE_ENV=production/);
      assert.match(message, /SMTP_URL or SMS_PROVIDER: required when NODE_ENV=production/);
      assert.match(message, /MONGODB_URI: required when NODE_ENV=production, or EMBEDDED_DB=true/);
      // Named together with values that are wrong, so one start shows everything to fix.
      const both = refusal({ NODE_ENV: 'production', PORT: 'eighty' });
      assert.match(both, /PORT/);
      assert.match(both, /APP_SECRET/);
    });

    it('names only what is missing', () => {
      for (const name of ['APP_SECRET', 'BASE_URL', 'MONGODB_URI'] as const) {
        const { [name]: _left, ...rest } = complete;
        const message = refusal(rest);
        assert.match(message, new RegExp(`^  ${name}: required when NODE_ENV=production`, 'm'));
        assert.equal(message.match(/required when NODE_ENV=production/g)?.length, 1, message);
      }
      const { SMTP_URL: _smtp, ...noMail } = complete;
      assert.match(refusal(noMail), /SMTP_URL or SMS_PROVIDER: required/);
    });

    it("takes a rotation of APP_SECRET: earlier secrets and the ID fingerprints' own key, each 32 characters or more", () => {
      const old = 'o'.repeat(40);
      const older = 'p'.repeat(40);
      const c = loadConfig({
        ...complete,
        APP_SECRET_PREVIOUS: `${old}, ${older}`,
        ID_FINGERPRINT_SECRET: older,
      });
      assert.deepEqual(c.appSecretPrevious, [old, older]);
      assert.equal(c.idFingerprintSecret, older);
      assert.ok(Object.isFrozen(c.appSecretPrevious));
      assert.deepEqual(loadConfig(complete).appSecretPrevious, []);
      assert.equal(loadConfig(complete).idFingerprintSecret, undefined);
      assert.match(
        refusal({ ...complete, APP_SECRET_PREVIOUS: `${old},short`, ID_FINGERPRINT_SECRET: old }),
        /APP_SECRET_PREVIOUS: a comma-separated list of earlier APP_SECRET values, each at least 32 characters/,
      );
      assert.match(
        refusal({ ...complete, ID_FINGERPRINT_SECRET: 'short' }),
        /ID_FINGERPRINT_SECRET: must be at least 32/,
      );
      // Without the fingerprints' own key a rotation would move them to the new secret.
      assert.match(
        refusal({ ...complete, APP_SECRET_PREVIOUS: old }),
        /ID_FINGERPRINT_SECRET: required when APP_SECRET_PREVIOUS is set/,
      );
      assert.throws(
        () => loadConfig({ APP_SECRET_PREVIOUS: old, ID_FINGERPRINT_SECRET: old }),
        /APP_SECRET: required when APP_SECRET_PREVIOUS is set/,
        'outside production too',
      );
    });

    it('starts with a complete configuration, and seeds no demo data unless asked', () => {
      const c = loadConfig(complete);
      assert.equal(c.env, 'production');
      assert.equal(c.seedDemo, false);
      assert.equal(c.cookieSecure, true);
      assert.equal(loadConfig({ ...complete, SEED_DEMO: 'true' }).seedDemo, true);
    });

    it('sends messages by text alone when an SMS provider is set', () => {
      const { SMTP_URL: _smtp, ...noMail } = complete;
      const c = loadConfig({
        ...noMail,
        SMS_PROVIDER: 'aliyun',
        SMS_ACCESS_KEY_ID: 'LTAI5tKeyId',
        SMS_ACCESS_KEY_SECRET: 'secret',
        SMS_SIGN_NAME: '锦江区民政局',
        SMS_TEMPLATES: 'verification_code=SMS_460915009:code',
      });
      assert.equal(c.smtpUrl, undefined);
      assert.equal(c.sms.provider, 'aliyun');
    });

    it('keeps the data in the embedded engine only when EMBEDDED_DB=true says so', () => {
      const { MONGODB_URI: _uri, ...embedded } = complete;
      const c = loadConfig({ ...embedded, EMBEDDED_DB: 'true' });
      assert.equal(c.mongodbUri, undefined);
      assert.match(refusal({ ...embedded, EMBEDDED_DB: 'false' }), /MONGODB_URI: required/);
    });
  });

  it('refuses EMBEDDED_DB that contradicts MONGODB_URI', () => {
    assert.throws(
      () => loadConfig({ EMBEDDED_DB: 'true', MONGODB_URI: 'mongodb://localhost/' }),
      /EMBEDDED_DB: true keeps the data in the embedded engine, but MONGODB_URI is set/,
    );
    assert.throws(() => loadConfig({ EMBEDDED_DB: 'false' }), /MONGODB_URI: required when EMBEDDED_DB=false/);
    assert.equal(loadConfig({ EMBEDDED_DB: 'true' }).mongodbUri, undefined);
    assert.throws(() => loadConfig({ EMBEDDED_DB: 'maybe' }), /EMBEDDED_DB/);
  });

  it('keeps the zero-configuration start outside production', () => {
    for (const NODE_ENV of ['development', 'test']) {
      const c = loadConfig({ NODE_ENV });
      assert.equal(c.seedDemo, true);
      assert.equal(c.appSecret, undefined);
    }
  });

  it('reads where the data lives for the backup and restore commands, without what serving needs', () => {
    // A production shell without the secret or mail settings may still back the data up.
    assert.deepEqual(loadStorageConfig({ NODE_ENV: 'production', DATA_DIR: '/srv/registry' }), {
      mongodbUri: undefined,
      mongodbDb: 'registry',
      dataDir: '/srv/registry',
    });
    assert.equal(loadStorageConfig({ MONGODB_URI: 'mongodb://db1/', MONGODB_DB: 'r2' }).mongodbDb, 'r2');
    assert.throws(() => loadStorageConfig({ MONGODB_URI: 'postgres://x' }), /MONGODB_URI/);
    assert.throws(
      () => loadStorageConfig({ EMBEDDED_DB: 'true', MONGODB_URI: 'mongodb://db1/' }),
      /EMBEDDED_DB: true keeps the data in the embedded engine/,
    );
  });

  it('treats empty variables as unset', () => {
    assert.equal(loadConfig({ MONGODB_URI: '', PORT: '' }).port, 3000);
  });

  it('keeps personal data RETENTION_DAYS days (180 by default), and refuses a number that is no number of days', () => {
    assert.equal(loadConfig({}).retentionDays, 180);
    assert.equal(loadConfig({ RETENTION_DAYS: '365' }).retentionDays, 365);
    for (const bad of ['0', '-5', '1.5', 'forever', '4000'])
      assert.throws(
        () => loadConfig({ RETENTION_DAYS: bad }),
        (err: unknown) => err instanceof ConfigError && /RETENTION_DAYS/.test(err.message),
        bad,
      );
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

  it('sends texts to the development outbox when no SMS provider is set', () => {
    const { sms } = loadConfig({});
    assert.equal(sms.provider, undefined);
    assert.equal(sms.signName, '婚姻登记预约');
    assert.deepEqual(sms.templates, {});
    assert.equal(sms.endpoint, undefined);
    assert.ok(Object.isFrozen(sms) && Object.isFrozen(sms.templates));
  });

  it('reads an SMS provider’s settings, its templates and an endpoint of its own', () => {
    const { sms } = loadConfig({
      SMS_PROVIDER: 'aliyun',
      SMS_ACCESS_KEY_ID: 'LTAI5tKeyId',
      SMS_ACCESS_KEY_SECRET: 'secret',
      SMS_SIGN_NAME: '锦江区民政局',
      SMS_TEMPLATES:
        'confirmation=SMS_460915001:reference|time|office|link,verification_code=SMS_460915009:code',
      SMS_ENDPOINT: 'http://127.0.0.1:8080',
    });
    assert.equal(sms.provider, 'aliyun');
    assert.equal(sms.region, 'cn-hangzhou');
    assert.deepEqual(sms.endpoint, { protocol: 'http', host: '127.0.0.1:8080' });
    assert.deepEqual(sms.templates.confirmation, {
      code: 'SMS_460915001',
      params: ['reference', 'time', 'office', 'link'],
    });
    assert.ok(Object.isFrozen(sms.endpoint) && Object.isFrozen(sms.templates.confirmation));
    const tencent = loadConfig({
      SMS_PROVIDER: 'tencent',
      SMS_ACCESS_KEY_ID: 'AKIDx',
      SMS_ACCESS_KEY_SECRET: 'secret',
      SMS_SIGN_NAME: '锦江区民政局',
      SMS_SDK_APP_ID: '1400787878',
      SMS_TEMPLATES: 'verification_code=1893511:code',
      SMS_REGION: 'ap-beijing',
    }).sms;
    assert.deepEqual(
      [tencent.sdkAppId, tencent.region, tencent.endpoint],
      ['1400787878', 'ap-beijing', undefined],
    );
  });

  it('names every setting an SMS provider cannot do without', () => {
    const missing = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        return err.message;
      }
      return assert.fail('accepted');
    };
    const aliyun = missing({ SMS_PROVIDER: 'aliyun', SMS_SIGN_NAME: '锦江区民政局' });
    for (const name of ['SMS_ACCESS_KEY_ID', 'SMS_ACCESS_KEY_SECRET', 'SMS_TEMPLATES'])
      assert.match(aliyun, new RegExp(`${name}: required when SMS_PROVIDER=aliyun`));
    assert.doesNotMatch(aliyun, /SMS_SIGN_NAME|SMS_SDK_APP_ID/);
    assert.match(missing({ SMS_PROVIDER: 'tencent' }), /SMS_SDK_APP_ID: required when SMS_PROVIDER=tencent/);
    // Missing settings are named together with other bad values.
    const both = missing({ SMS_PROVIDER: 'tencent', PORT: 'eighty' });
    assert.match(both, /PORT/);
    assert.match(both, /SMS_ACCESS_KEY_ID/);
  });

  it('refuses SMS settings it cannot use, saying why', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ SMS_PROVIDER: 'twilio' }, /SMS_PROVIDER/],
      [
        { SMS_TEMPLATES: 'confirmation=SMS_1:reference|code' },
        /SMS_TEMPLATES: confirmation: unknown parameter "code"/,
      ],
      [{ SMS_TEMPLATES: 'reminder=SMS_1' }, /SMS_TEMPLATES: unknown kind "reminder"/],
      [
        { SMS_ENDPOINT: 'http://127.0.0.1:8080/api' },
        /SMS_ENDPOINT: host\[:port\] or http\(s\):\/\/host\[:port\]/,
      ],
      [{ SMS_SIGN_NAME: '【锦江区民政局】' }, /SMS_SIGN_NAME: the name alone, without brackets/],
      [{ SMS_SDK_APP_ID: 'app-1' }, /SMS_SDK_APP_ID: the SmsSdkAppId/],
      [{ SMS_REGION: 'CN Hangzhou' }, /SMS_REGION/],
    ];
    for (const [env, message] of cases) assert.throws(() => loadConfig(env), message, JSON.stringify(env));
  });
});
