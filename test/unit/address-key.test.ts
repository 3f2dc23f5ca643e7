import assert from 'node:assert/strict';
import { addressKey } from '../../src/services/verification/address-key.ts';

describe('verification: address keys', () => {
  it('counts an IPv4 address by itself and an IPv6 one by its /64', () => {
    assert.equal(addressKey('203.0.113.7'), '203.0.113.7');
    assert.equal(addressKey('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(addressKey('2001:db8:1:2::a'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:0db8:0001:0002:ffff:0:0:1'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(addressKey('64:ff9b:1::192.0.2.1'), '64:ff9b:1:0::/64');
    assert.equal(addressKey('unknown'), 'unknown');
  });
});
