// The words an operator sees when a host key is not the one on record.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConnectError } from '../../../admin/errors.js';
import { fingerprintSha256 } from '../../../admin/transport/hostkeys/fingerprint.js';
import {
  changedHostKeyMessage,
  hostKeyError,
  hostKeyMessage,
  revokedHostKeyMessage,
  unknownHostKeyMessage,
} from '../../../admin/transport/hostkeys/messages.js';
import { generateKey, tempDir, type GeneratedKey } from './fixtures.js';

describe('host key messages', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let key: GeneratedKey;
  let old: GeneratedKey;
  const cloud3 = { name: 'cloud3', hostname: '198.18.1.3', port: 22 };

  before(async () => {
    tmp = await tempDir('msg');
    key = await generateKey(tmp.dir, 'new', 'ed25519');
    old = await generateKey(tmp.dir, 'old', 'ed25519');
  });
  after(() => tmp.remove());

  it('says how to trust an unknown host', () => {
    assert.equal(
      unknownHostKeyMessage(cloud3, key.blob),
      `host key for cloud3 (198.18.1.3:22) is not known (ED25519 ${fingerprintSha256(key.blob)}); ` +
        'if you expect this host, run: salvo hosts trust cloud3',
    );
  });

  it('shouts about a changed key and gives the exact commands', () => {
    const known = [
      {
        file: '/home/op/.ssh/known_hosts',
        line: 12,
        type: 'ssh-ed25519',
        fingerprint: fingerprintSha256(old.blob),
        host: 'cloud3',
      },
    ];
    assert.equal(
      changedHostKeyMessage(cloud3, key.blob, known),
      `HOST KEY CHANGED for cloud3 (198.18.1.3:22): expected ED25519 ${fingerprintSha256(old.blob)} from ` +
        `/home/op/.ssh/known_hosts:12, got ED25519 ${fingerprintSha256(key.blob)}; this may be a man-in-the-middle attack. ` +
        'If the host was reinstalled: ssh-keygen -R cloud3 -f /home/op/.ssh/known_hosts, then salvo hosts trust cloud3',
    );
  });

  it('quotes [host]:port and lists every conflicting line once per name and file', () => {
    const t = { name: 'cloud4', hostname: '2001:db8::4', port: 2222 };
    const ref = { file: '/k h', type: 'ssh-ed25519', fingerprint: fingerprintSha256(old.blob) };
    const message = changedHostKeyMessage(t, key.blob, [
      { ...ref, line: 1, host: '[cloud4]:2222' },
      { ...ref, line: 2, host: '[2001:db8::4]:2222' },
      { ...ref, line: 3, host: '[cloud4]:2222' },
    ]);
    assert.match(message, /^HOST KEY CHANGED for cloud4 \(\[2001:db8::4\]:2222\)/);
    assert.ok(
      message.includes(
        `ssh-keygen -R '[cloud4]:2222' -f '/k h'; ssh-keygen -R '[2001:db8::4]:2222' -f '/k h', then`,
      ),
    );
  });

  it('maps a check to a message and a ConnectError', () => {
    assert.equal(hostKeyMessage(cloud3, key.blob, { status: 'ok' }), null);
    assert.equal(hostKeyError(cloud3, key.blob, { status: 'ok' }), null);
    const unknown = hostKeyError(cloud3, key.blob, { status: 'unknown' });
    assert.ok(unknown instanceof ConnectError);
    assert.equal(unknown.reason, 'unknown-host');
    assert.equal(unknown.host, 'cloud3');
    const revoked = hostKeyError(cloud3, key.blob, { status: 'revoked', file: '/f', line: 3 });
    assert.equal(revoked?.reason, 'hostkey');
    assert.equal(revoked?.message, `cloud3: ${revokedHostKeyMessage(cloud3, key.blob, '/f', 3)}`);
    assert.match(revoked?.message ?? '', /REVOKED .*@revoked at \/f:3/);
  });
});
