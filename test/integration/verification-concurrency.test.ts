// Verification codes under concurrency: however many requests arrive at once, a code is
// used once, five attempts are five, and no allowance is overdrawn.
import assert from 'node:assert/strict';
import { VerificationModel } from '../../src/models/verification-code.model.ts';
import { resetDatabase } from '../helpers/test-app.ts';
import { lastCode, otherThan, verificationWorld } from './verification-support.ts';

const PHONE = '13800138000';
const booking = {
  phone: PHONE,
  purpose: 'booking' as const,
  address: '203.0.113.7',
  locale: 'zh-CN' as const,
};

function count<T>(values: T[], value: T): number {
  return values.filter((v) => v === value).length;
}

describe('verification codes under concurrency', () => {
  beforeEach(async () => {
    await resetDatabase();
  });

  it('lets one of two simultaneous checks of the right code through', async () => {
    const { service, sender } = verificationWorld();
    await service.issue(booking);
    const code = lastCode(sender);
    const outcomes = await Promise.all([
      service.check({ ...booking, code }),
      service.check({ ...booking, code }),
    ]);
    assert.deepEqual(outcomes.sort(), ['no_code', 'ok']);
  });

  it('counts every one of many simultaneous guesses: five, then nothing', async () => {
    const { service, sender } = verificationWorld();
    await service.issue(booking);
    const code = lastCode(sender);
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, () => service.check({ ...booking, code: otherThan(code) })),
    );
    assert.equal(count(outcomes, 'wrong'), 5);
    assert.equal(count(outcomes, 'no_code'), 7);
    const stored = await VerificationModel.findById(`phone:${PHONE}`).lean();
    assert.equal(stored?.codes?.booking?.attempts, 5);
    assert.equal(await service.check({ ...booking, code }), 'no_code');
  });

  it('lets exactly one right answer through among simultaneous right and wrong ones', async () => {
    const { service, sender } = verificationWorld();
    await service.issue(booking);
    const code = lastCode(sender);
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        service.check({ ...booking, code: i % 2 ? code : otherThan(code) }),
      ),
    );
    assert.equal(count(outcomes, 'ok'), 1);
  });

  it('sends one code for many simultaneous requests for the same phone', async () => {
    const { service, sender } = verificationWorld();
    const outcomes = (await Promise.all(Array.from({ length: 6 }, () => service.issue(booking)))).map(
      (r) => r.outcome,
    );
    assert.equal(count(outcomes, 'sent'), 1);
    assert.equal(count(outcomes, 'limited'), 5);
    assert.equal(sender.sent.length, 1);
    assert.equal(await service.check({ ...booking, code: lastCode(sender) }), 'ok');
  });

  it('grants or refuses each of many phones asking at once on its own', async () => {
    const { clock, service, sender } = verificationWorld();
    const phones = Array.from({ length: 8 }, (_, n) => `1390013${9100 + n}`);
    await service.issue({ ...booking, phone: phones[3]! });
    const earlier = lastCode(sender);
    clock.advance(10_000);
    // Asked together, their writes share the database's commands; phones[3] had one 10 s ago.
    const outcomes = await Promise.all(phones.map((phone) => service.issue({ ...booking, phone })));
    assert.deepEqual(
      outcomes.map((r) => r.outcome),
      phones.map((_, n) => (n === 3 ? 'limited' : 'sent')),
    );
    assert.equal(sender.sent.length, 8);
    for (const message of sender.sent.slice(1)) {
      const code = message.params.find(([name]) => name === 'code')![1];
      assert.equal(await service.check({ ...booking, phone: message.to, code }), 'ok');
    }
    assert.equal(await service.check({ ...booking, phone: phones[3]!, code: earlier }), 'ok');
  });

  it('never overdraws an address’s allowance, whatever arrives at once', async () => {
    const { service, sender } = verificationWorld({ policy: { perAddress: { perHour: 3, perDay: 10 } } });
    const outcomes = (
      await Promise.all(
        Array.from({ length: 10 }, (_, n) => service.issue({ ...booking, phone: `1390013${9000 + n}` })),
      )
    ).map((r) => r.outcome);
    assert.equal(count(outcomes, 'sent'), 3);
    assert.equal(sender.sent.length, 3);
    const address = await VerificationModel.findById('address:203.0.113.7').lean();
    assert.equal(address?.sent.length, 3);
  });

  it('never takes a phone’s send, nor replaces its code, for an address with none left, whatever arrives at once', async () => {
    const { clock, service, sender } = verificationWorld({
      policy: { perAddress: { perHour: 3, perDay: 10 } },
    });
    const phones = Array.from({ length: 10 }, (_, n) => `1390013${9200 + n}`);
    // Each phone already holds a code, asked for from addresses of their own.
    const earlier = new Map<string, string>();
    for (const [n, phone] of phones.entries()) {
      await service.issue({ ...booking, phone, address: `198.51.100.${n + 1}` });
      earlier.set(phone, lastCode(sender));
    }
    clock.advance(61_000);
    const outcomes = (await Promise.all(phones.map((phone) => service.issue({ ...booking, phone })))).map(
      (r) => r.outcome,
    );
    assert.equal(count(outcomes, 'sent'), 3);
    for (const [n, phone] of phones.entries()) {
      const stored = await VerificationModel.findById(`phone:${phone}`).lean();
      if (outcomes[n] === 'sent') {
        assert.equal(stored?.sent.length, 2);
        continue;
      }
      assert.equal(stored?.sent.length, 1, `${phone}: no send taken`);
      assert.equal(
        await service.check({ ...booking, phone, code: earlier.get(phone)! }),
        'ok',
        `${phone}: its code stands`,
      );
    }
  });

  it('counts each of many phones’ attempts at once against that phone’s own code', async () => {
    const { service, sender } = verificationWorld();
    const phones = Array.from({ length: 8 }, (_, n) => `1390013${9300 + n}`);
    const codes = new Map<string, string>();
    for (const [n, phone] of phones.entries()) {
      await service.issue({ ...booking, phone, address: `198.51.100.${n + 1}` });
      codes.set(phone, lastCode(sender));
    }
    // Every phone at once: the even ones with their own code, the odd ones with a neighbour's.
    const outcomes = await Promise.all(
      phones.map((phone, n) =>
        service.check({ ...booking, phone, code: codes.get(n % 2 ? phones[n - 1]! : phone)! }),
      ),
    );
    assert.deepEqual(
      outcomes,
      phones.map((_, n) => (n % 2 ? 'wrong' : 'ok')),
    );
    for (const [n, phone] of phones.entries()) {
      const stored = await VerificationModel.findById(`phone:${phone}`).lean();
      if (n % 2) assert.equal(stored?.codes?.booking?.attempts, 1, `${phone}: one attempt counted`);
      else assert.equal(stored?.codes?.booking, undefined, `${phone}: its code used up`);
    }
  });
});
