// The language switch links each page to itself in the other language, whichever pages and
// languages were asked before (the links of pages asked lately are kept).
import assert from 'node:assert/strict';
import cookieParser from 'cookie-parser';
import express from 'express';
import request from 'supertest';
import { localeMiddleware } from '../../src/web/middleware/locale.ts';

function app() {
  const a = express();
  a.use(cookieParser());
  a.use(localeMiddleware({ secureCookies: false }));
  a.use(
    (req, res) =>
      void res.json({ locale: req.locale, link: res.locals.switchLocaleUrl, t: res.locals.t('lang.switch') }),
  );
  return a;
}

describe('language switch link', () => {
  it('is each page in the other language, asked again and in either language', async () => {
    const a = app();
    const asked: [string, string | undefined, string, string][] = [
      ['/offices/jinjiang/days/2026-08-19', undefined, 'zh-CN', '/offices/jinjiang/days/2026-08-19?lang=en'],
      ['/offices/jinjiang/days/2026-08-19', 'en', 'en', '/offices/jinjiang/days/2026-08-19?lang=zh'],
      ['/offices/jinjiang/days/2026-08-19', undefined, 'zh-CN', '/offices/jinjiang/days/2026-08-19?lang=en'],
      [
        '/offices/jinjiang/days/2026-08-20?start=09:00',
        undefined,
        'zh-CN',
        '/offices/jinjiang/days/2026-08-20?start=09%3A00&lang=en',
      ],
      [
        '/offices/jinjiang/days/2026-08-19?lang=en',
        undefined,
        'en',
        '/offices/jinjiang/days/2026-08-19?lang=zh',
      ],
      [`/lookup?q=${'x'.repeat(400)}`, undefined, 'zh-CN', `/lookup?q=${'x'.repeat(400)}&lang=en`],
    ];
    for (const [path, lang, locale, link] of asked) {
      const req = request(a).get(path);
      const res = await (lang ? req.set('Cookie', `lang=${lang}`) : req).expect(200);
      assert.equal(res.body.locale, locale, path);
      assert.equal(res.body.link, link, path);
    }
  });

  it('gives each language its own translator', async () => {
    const a = app();
    const zh = await request(a).get('/').expect(200);
    const en = await request(a).get('/').set('Cookie', 'lang=en').expect(200);
    assert.notEqual(zh.body.t, en.body.t);
    assert.match(zh.body.t, /English|EN/i);
  });
});
