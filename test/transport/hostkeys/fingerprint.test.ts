// Fingerprints and key types must read exactly as ssh-keygen prints them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AdminError } from '../../../admin/errors.js';
import {
  describeKey,
  fingerprintSha256,
  keyFamily,
  keyLabel,
  keyTypeOf,
  tryKeyTypeOf,
} from '../../../admin/transport/hostkeys/fingerprint.js';
import { generateKey, keygenFingerprints, tempDir, type GeneratedKey } from './fixtures.js';

describe('fingerprint', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  const keys: GeneratedKey[] = [];

  before(async () => {
    tmp = await tempDir('fp');
    keys.push(await generateKey(tmp.dir, 'ed', 'ed25519'));
    keys.push(await generateKey(tmp.dir, 'ec256', 'ecdsa', 256));
    keys.push(await generateKey(tmp.dir, 'ec384', 'ecdsa', 384));
    keys.push(await generateKey(tmp.dir, 'rsa', 'rsa', 2048));
  });
  after(() => tmp.remove());

  it('agrees with ssh-keygen -lf for ed25519, ecdsa and rsa', async () => {
    for (const key of keys) {
      const [expected] = await keygenFingerprints(`${key.path}.pub`);
      assert.equal(fingerprintSha256(key.blob), expected?.fingerprint, key.type);
      assert.equal(keyTypeOf(key.blob), key.type);
      assert.equal(keyLabel(key.type), expected?.label);
      assert.equal(describeKey(key.blob), `${expected?.label} ${expected?.fingerprint}`);
    }
  });

  it('has no base64 padding', () => {
    for (const key of keys) {
      assert.doesNotMatch(fingerprintSha256(key.blob), /=/);
    }
  });

  it('refuses a blob that is not an SSH key', () => {
    assert.equal(tryKeyTypeOf(Buffer.from('-----BEGIN OPENSSH PRIVATE KEY-----')), null);
    assert.equal(tryKeyTypeOf(Buffer.alloc(3)), null);
    const typeOnly = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519')]);
    assert.equal(tryKeyTypeOf(typeOnly), null, 'a type with no key data after it');
    assert.throws(() => keyTypeOf(Buffer.from('nope')), AdminError);
  });

  it('treats ECDSA curves as one family, as OpenSSH does for "changed"', () => {
    assert.equal(keyFamily('ecdsa-sha2-nistp256'), keyFamily('ecdsa-sha2-nistp384'));
    assert.notEqual(keyFamily('ssh-ed25519'), keyFamily('ssh-rsa'));
    assert.equal(keyLabel('sk-ssh-ed25519@openssh.com'), 'ED25519-SK');
  });
});
