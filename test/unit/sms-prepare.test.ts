import assert from 'node:assert/strict';
import { prepareSms } from '../../src/sms/prepare.ts';
import { parseSmsEndpoint, parseSmsTemplates } from '../../src/sms/settings.ts';
import { buildSms } from '../../src/sms/texts.ts';
import { smsInput } from './support/sms-inputs.ts';

describe('SMS: templates and settings', () => {
  const built = buildSms(smsInput('confirmation', 'zh-CN', 'typical'), { signName: '锦江区民政局' });

  it('sends a provider the parameters its template takes, in its order', () => {
    const { templates } = parseSmsTemplates('confirmation=1893501:time|reference');
    const message = prepareSms(built, '13800138000', { provider: 'tencent', templates }, 'confirmation:a1');
    assert.deepEqual(message, {
      to: '13800138000',
      templateCode: '1893501',
      params: [
        ['time', '8月23日周六 09:00'],
        ['reference', 'K7M2Q9'],
      ],
      text: built.text,
      notificationKey: 'confirmation:a1',
    });
  });

  it('sends nothing through a provider for a kind without a template; the outbox takes any', () => {
    assert.equal(prepareSms(built, '13800138000', { provider: 'aliyun', templates: {} }), null);
    const kept = prepareSms(built, '13800138000', { provider: undefined, templates: {} });
    assert.equal(kept?.templateCode, 'confirmation');
    assert.deepEqual(
      kept?.params.map(([name]) => name),
      ['reference', 'time', 'office', 'link'],
    );
  });

  it('reads SMS_TEMPLATES and names what is wrong', () => {
    const ok = parseSmsTemplates(
      ' confirmation = SMS_1 : reference | time \n verification_code=SMS_2:code,\nmoved=SMS_3',
    );
    assert.deepEqual(ok.problems, []);
    assert.deepEqual(ok.templates, {
      confirmation: { code: 'SMS_1', params: ['reference', 'time'] },
      verification_code: { code: 'SMS_2', params: ['code'] },
      moved: { code: 'SMS_3', params: [] },
    });
    assert.ok(Object.isFrozen(ok.templates) && Object.isFrozen(ok.templates.confirmation?.params));
    const problems = (spec: string) => parseSmsTemplates(spec).problems;
    assert.match(problems('confirmaton=SMS_1')[0]!, /unknown kind "confirmaton" \(known: confirmation,/);
    assert.match(
      problems('confirmation=SMS_1:reference|code')[0]!,
      /confirmation: unknown parameter "code" \(known: reference, time, office, link\)/,
    );
    assert.match(problems('confirmation')[0]!, /"confirmation" is not kind=CODE/);
    assert.match(problems('confirmation=SMS 1')[0]!, /is not kind=CODE/);
    assert.match(problems('moved=A,moved=B')[0]!, /moved is given twice/);
    assert.match(problems('moved=A:time|time')[0]!, /listed twice/);
    assert.deepEqual(problems(' , '), ['no template given']);
  });

  it('reads SMS_ENDPOINT as a host or a URL without a path', () => {
    assert.deepEqual(parseSmsEndpoint('dysmsapi.aliyuncs.com'), {
      protocol: 'https',
      host: 'dysmsapi.aliyuncs.com',
    });
    assert.deepEqual(parseSmsEndpoint('http://127.0.0.1:8080/'), {
      protocol: 'http',
      host: '127.0.0.1:8080',
    });
    assert.deepEqual(parseSmsEndpoint('https://[::1]:9443'), { protocol: 'https', host: '[::1]:9443' });
    for (const bad of ['ftp://x', 'http://x/sms', 'x:0', 'x:70000', 'a b'])
      assert.equal(parseSmsEndpoint(bad), null, bad);
  });
});
