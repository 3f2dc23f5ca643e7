import assert from 'node:assert/strict';
import { WindowModel } from '../../src/models/window.model.ts';
import { buildTestApp, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { book, createWorld, NOW, signIn, TODAY, type World } from './staff-fixtures.ts';

// Every console page renders in Chinese and in English, with no untranslated key showing.
describe('staff console pages', () => {
  let t: TestApp;
  let w: World;
  let appointmentId: string;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    w = await createWorld();
    appointmentId = (await book(t, w.officeA, TODAY, '11:00')).appointment._id.toString();
    await book(t, w.officeA, '2026-08-05', '09:30');
  });

  const pages = (w: World, id: string, windowId: string) => [
    '/staff',
    '/staff/offices',
    '/staff/offices/new',
    `/staff/offices/${w.officeA}`,
    `/staff/offices/${w.officeA}/windows`,
    `/staff/offices/${w.officeA}/template`,
    `/staff/offices/${w.officeA}/plans`,
    `/staff/offices/${w.officeA}/plans/2026-08-19`,
    `/staff/offices/${w.officeA}/plans/2026-08-19?suggest=qixi`,
    `/staff/offices/${w.officeA}/import`,
    `/staff/offices/${w.officeA}/peak-days`,
    `/staff/offices/${w.officeA}/roster`,
    `/staff/offices/${w.officeA}/roster?date=2026-08-05&q=张伟`,
    `/staff/offices/${w.officeA}/walk-in?date=2026-08-05`,
    `/staff/offices/${w.officeA}/days/2026-08-05/close`,
    `/staff/appointments/${id}`,
    '/staff/accounts',
    '/staff/accounts/new',
    `/staff/accounts/${w.users.registrarA.id}`,
    '/staff/audit',
    `/staff/offices/${w.officeA}/windows?w=${windowId}`,
  ];

  for (const lang of ['zh', 'en']) {
    it(`renders every page in ${lang}`, async () => {
      const admin = await signIn(t, 'admin@example.com');
      await admin.get(`/staff?lang=${lang}`);
      await admin.get(`/staff/offices/${w.officeA}/windows`);
      const windowId = String((await WindowModel.findOne().lean())?._id);
      for (const path of pages(w, appointmentId, windowId)) {
        const { res, $ } = await admin.get(path);
        assert.equal(res.status, 200, `${path}: ${res.status} ${$('main').text().slice(0, 200)}`);
        const text = $('body').text();
        assert.doesNotMatch(text, /\bstaff\.[a-z_]+\.[a-z_.]+/, `${path} shows a message key`);
        assert.equal($('html').attr('lang'), lang === 'en' ? 'en' : 'zh-CN');
        assert.ok($('.staff-nav a').length >= 5, `${path} has the staff navigation`);
      }
    });
  }
});
