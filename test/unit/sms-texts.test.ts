// Every text, in both languages, fits two segments under the mainland rule (every character
// counts, the 【signature】 too: 134 characters) with long office names, a long signature and
// a short link, and carries the reference, the time in the office's zone, the office and the link.
import assert from 'node:assert/strict';
import { LOCALES } from '../../src/i18n/locales.ts';
import { SMS_KIND_PARAMS, SMS_KINDS } from '../../src/sms/kinds.ts';
import { countSegments, signedText } from '../../src/sms/segments.ts';
import { buildSms } from '../../src/sms/texts.ts';
import { LINK, OFFICES, smsInput } from './support/sms-inputs.ts';

const LONG_SIGN = '乌鲁木齐市沙依巴克区民政局';
const SIGNS = { typical: '锦江区民政局', long: LONG_SIGN };
/**
 * English texts that carry a hall or a second time besides the link: a mainland number counts
 * English like Chinese, 70 to a segment, so even a typical English office name loses its end there.
 */
const CROWDED = new Set([
  'ceremony_seated',
  'ceremony_changed',
  'ceremony_offer',
  'lottery_won',
  'lottery_offer',
]);

describe('SMS texts', () => {
  for (const size of ['typical', 'long'] as const) {
    for (const locale of LOCALES) {
      it(`fit two segments, every kind, ${locale}, ${size} office name and signature`, () => {
        for (const kind of SMS_KINDS) {
          const built = buildSms(smsInput(kind, locale, size), { signName: SIGNS[size] });
          const counted = countSegments(signedText(SIGNS[size], built.text), 'mainland');
          assert.ok(counted.segments <= 2, `${kind}: ${counted.units} characters: ${built.text}`);
          assert.equal(built.segments, counted.segments, kind);
          assert.ok(!/[{}]/.test(built.text), `${kind} left a placeholder: ${built.text}`);
          assert.deepEqual(Object.keys(built.params), [...SMS_KIND_PARAMS[kind]], kind);
          if (kind === 'verification_code') continue;
          assert.ok(built.text.includes(kind.startsWith('lottery') ? 'L8P3R2' : 'K7M2Q9'), kind);
          if ('link' in built.params) assert.ok(built.text.includes(LINK), `${kind} lost its link`);
          const office = built.params.office ?? '';
          const full = locale === 'en' ? OFFICES[size].name.en! : OFFICES[size].name.zh;
          assert.ok(built.text.includes(office), kind);
          assert.ok(office === full || (office.endsWith('…') && full.startsWith(office.slice(0, -1))), kind);
          if (size === 'typical' && !(locale === 'en' && CROWDED.has(kind)))
            assert.deepEqual(built.shortened, [], `${kind} shortened a typical name`);
          if (size === 'typical')
            assert.ok(office.startsWith(locale === 'en' ? 'Jinjiang District' : full), kind);
        }
      });
    }
  }

  it('keeps a long Chinese office name whole in the texts about the appointment itself', () => {
    for (const kind of [
      'confirmation',
      'reminder_day_before',
      'reminder_same_day',
      'cancelled',
      'moved',
    ] as const) {
      const built = buildSms(smsInput(kind, 'zh-CN', 'long'), { signName: LONG_SIGN });
      assert.ok(built.text.includes(OFFICES.long.name.zh), built.text);
    }
  });

  it('words the confirmation with the time in the office’s zone', () => {
    const zh = buildSms(smsInput('confirmation', 'zh-CN', 'typical'), { signName: '锦江区民政局' });
    assert.equal(
      zh.text,
      `预约成功：编号K7M2Q9，8月23日周六 09:00，锦江区婚姻登记处。请双方本人带身份证件按时到场。查询改约：${LINK}`,
    );
    assert.equal(zh.segments, 2);
    const en = buildSms(smsInput('confirmation', 'en', 'typical'), { signName: '锦江区民政局' });
    assert.equal(
      en.text,
      `Booked K7M2Q9: 23 Aug 09:00, Jinjiang District Marriage Registry. Both bring ID. ${LINK}`,
    );
    const urumqi = smsInput('confirmation', 'zh-CN', 'typical');
    if (urumqi.kind !== 'confirmation') throw new Error('unexpected input');
    urumqi.office = { ...urumqi.office, timezone: 'Asia/Urumqi' };
    assert.equal(buildSms(urumqi, { signName: '锦江区民政局' }).params.time, '8月23日周六 07:00');
    const again = buildSms(smsInput('confirmation', 'zh-CN', 'typical'), { signName: '锦江区民政局' });
    assert.equal(
      again.text,
      zh.text,
      'a time written before is the same time, in the same zone and language',
    );
  });

  it('gives every time a text carries in the office’s zone, the deadline too', () => {
    const offer = buildSms(smsInput('ceremony_offer', 'zh-CN', 'typical'), { signName: '锦江区民政局' });
    assert.equal(offer.params.time, '8月23日周六 14:30');
    assert.equal(offer.params.deadline, '8月22日周五 18:00');
    const moved = buildSms(smsInput('moved', 'en', 'typical'), { signName: '锦江区民政局' });
    assert.equal(moved.params.previous, '21 Aug 14:30');
    assert.equal(moved.params.time, '23 Aug 09:00');
    const drawn = buildSms(smsInput('lottery_won', 'en', 'typical'), { signName: '锦江区民政局' });
    assert.deepEqual([drawn.params.time, drawn.params.deadline], ['23 Aug 09:00', '22 Aug 18:00']);
    const closed = buildSms(smsInput('office_closed', 'zh-CN', 'typical'), { signName: '锦江区民政局' });
    assert.equal(closed.params.date, '8月23日周六');
  });

  it('sends a verification code in one segment in either language', () => {
    for (const locale of LOCALES) {
      const built = buildSms(smsInput('verification_code', locale, 'long'), { signName: LONG_SIGN });
      assert.equal(built.segments, 1, built.text);
      assert.ok(built.text.includes('042917'));
      assert.deepEqual(built.params, { code: '042917', minutes: '5' });
    }
  });

  it('shortens an absurdly long office name to fit, never the reference or the link', () => {
    const input = smsInput('ceremony_offer', 'en', 'long');
    if (input.kind !== 'ceremony_offer') throw new Error('unexpected input');
    input.office = { ...input.office, name: { zh: '办'.repeat(200), en: 'Registry '.repeat(30) } };
    const built = buildSms(input, { signName: LONG_SIGN });
    assert.equal(built.segments, 2);
    assert.deepEqual(built.shortened, ['office']);
    assert.match(built.params.office ?? '', /^Registry .*…$/);
    assert.ok(built.text.includes('K7M2Q9') && built.text.includes(LINK));
    const one = buildSms(smsInput('confirmation', 'zh-CN', 'long'), { signName: LONG_SIGN, maxSegments: 1 });
    assert.equal(one.segments, 2, 'what cannot fit is cut no further than the least kept, and said so');
    assert.equal(one.params.office, '新疆维吾尔自治区…');
  });
});
