import assert from 'node:assert/strict';
import { generatePassword, hashPassword, verifyPassword } from '../../src/services/staff/password.ts';

describe('staff password hashing (scrypt)', () => {
  it('stores the parameters, a random salt and the key; verifies the right password only', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    assert.match(a, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, b, 'a new salt each time');
    assert.equal(await verifyPassword('correct horse battery staple', a), true);
    assert.equal(await verifyPassword('correct horse battery stapl', a), false);
    assert.equal(await verifyPassword('', a), false);
  });

  it('treats a missing or foreign hash as no match', async () => {
    assert.equal(await verifyPassword('anything at all', ''), false);
    assert.equal(await verifyPassword('anything at all', undefined), false);
    assert.equal(await verifyPassword('anything at all', 'bcrypt$2b$10$abc'), false);
    assert.equal(await verifyPassword('anything at all', 'scrypt$1$2$3'), false);
  });

  it('reads the same password typed with full-width characters (NFKC)', async () => {
    const stored = await hashPassword('Ｐａｓｓ　ｗｏｒｄ１２３');
    assert.equal(await verifyPassword('Pass word123', stored), true);
  });

  it('generates readable 20-character passwords without look-alikes', () => {
    for (let i = 0; i < 50; i++) {
      const p = generatePassword();
      assert.match(p, /^[a-km-zA-HJ-NP-Z2-9]{20}$/);
    }
    const fixed = generatePassword(() => new Uint8Array(32).fill(3));
    assert.equal(fixed, 'd'.repeat(20));
  });
});
