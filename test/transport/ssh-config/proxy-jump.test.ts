// ProxyJump hop syntax.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../admin/errors.js';
import { parsePortNumber, parseProxyJump } from '../../../admin/transport/ssh-config/proxy-jump.js';

const at = { file: '/c', line: 4 };

describe('parseProxyJump', () => {
  it('reads host, user@host:port, ssh:// URIs and IPv6 literals, first hop first', () => {
    assert.deepEqual(parseProxyJump('bastion', at), [{ host: 'bastion' }]);
    assert.deepEqual(parseProxyJump('a, ops@b:2200 ,ssh://root@c:22/', at), [
      { host: 'a' },
      { host: 'b', user: 'ops', port: 2200 },
      { host: 'c', user: 'root', port: 22 },
    ]);
    assert.deepEqual(parseProxyJump('[2001:db8::1]:2222', at), [
      { host: '2001:db8::1', port: 2222 },
    ]);
    assert.deepEqual(parseProxyJump('2001:db8::1', at), [{ host: '2001:db8::1' }]);
    assert.deepEqual(parseProxyJump('a@b@gate', at), [{ host: 'gate', user: 'a@b' }]);
    assert.deepEqual(parseProxyJump('NONE', at), []);
  });

  it('refuses empty parts and bad ports with file:line', () => {
    for (const bad of ['a,,b', '@host', 'host:0', 'host:x', 'u@']) {
      assert.throws(
        () => parseProxyJump(bad, at),
        (err: unknown) => err instanceof ConfigError && err.message.startsWith('/c:4:1: ProxyJump'),
        bad,
      );
    }
    assert.equal(parsePortNumber('65535'), 65535);
    assert.equal(parsePortNumber('65536'), null);
    assert.equal(parsePortNumber('+22'), null);
  });
});
