import { test } from 'node:test';
import assert from 'node:assert/strict';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';
import { withKeyObjectSigner } from '../../../admin/transport/ssh/auth.js';

const parse = (pem: string): ParsedKey => {
  const key = ssh2.utils.parseKey(pem);
  if (key instanceof Error) {
    throw key;
  }
  return Array.isArray(key) ? (key as ParsedKey[])[0]! : key;
};

test('ed25519: the KeyObject signer gives exactly the signature ssh2 gives, and it verifies', () => {
  const { private: pem } = ssh2.utils.generateKeyPairSync('ed25519');
  const data = Buffer.from('session id and userauth request');
  const expected = parse(pem).sign(data);
  const wrapped = withKeyObjectSigner(parse(pem));
  const got = wrapped.sign(data);
  assert.ok(Buffer.isBuffer(got));
  assert.deepEqual(got, expected); // ed25519 signatures are deterministic
  assert.equal(parse(pem).verify(data, got), true);
  assert.deepEqual(wrapped.sign(data.toString('latin1')), parse(pem).sign(data.toString('latin1')));
});

test('other key types keep ssh2 signing untouched', () => {
  const { private: pem } = ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 });
  const key = parse(pem);
  const before = key.sign;
  assert.equal(withKeyObjectSigner(key).sign, before);
});
