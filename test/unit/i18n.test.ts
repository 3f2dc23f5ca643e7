import assert from 'node:assert/strict';
import { parseLocale } from '../../src/i18n/locales.ts';
import { type MessageKey, messageKeys, pick, translate } from '../../src/i18n/translate.ts';

describe('i18n', () => {
  it('has every message in both languages', () => {
    const zh = new Set(messageKeys('zh-CN'));
    const en = new Set(messageKeys('en'));
    assert.deepEqual(
      [...zh].filter((k) => !en.has(k)),
      [],
    );
    assert.deepEqual(
      [...en].filter((k) => !zh.has(k)),
      [],
    );
    for (const key of zh) {
      assert.ok(translate('zh-CN', key).trim(), `${key} is empty in Chinese`);
      assert.ok(translate('en', key).trim(), `${key} is empty in English`);
    }
  });

  it('keeps the same placeholders in both languages', () => {
    const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of messageKeys('zh-CN')) {
      assert.deepEqual(holes(translate('en', key)), holes(translate('zh-CN', key)), key);
    }
  });

  it('fills placeholders and falls back to Chinese; a key that is no message gives nothing, never the key', () => {
    assert.equal(translate('en', 'day.left', { n: 3 }), '3 left');
    assert.equal(translate('zh-CN', 'day.left', { n: 3 }), '余 3');
    assert.equal(translate('en', 'no.such.key' as MessageKey), '');
    assert.equal(translate('en', 'day.left'), '{n} left');
  });

  it('parses loose locale names and picks bilingual values', () => {
    assert.equal(parseLocale('zh'), 'zh-CN');
    assert.equal(parseLocale('EN-us'), 'en');
    assert.equal(parseLocale('fr'), undefined);
    assert.equal(parseLocale(undefined), undefined);
    assert.equal(pick({ zh: '七夕', en: 'Qixi' }, 'en'), 'Qixi');
    assert.equal(pick({ zh: '七夕', en: '' }, 'en'), '七夕');
    assert.equal(pick(undefined, 'zh-CN'), '');
  });
});
