// OpenSSH pattern semantics (match.c), shared by known_hosts and ssh_config.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  formatHashedHost,
  hostPortString,
  matchHashedHost,
  matchPattern,
  matchPatternList,
  parseHashedHost,
} from '../../../admin/transport/ssh-config/host-pattern.js';

describe('matchPattern', () => {
  it('`*` is any run, `?` exactly one character', () => {
    assert.ok(matchPattern('cloud12', 'cloud*'));
    assert.ok(matchPattern('cloud', 'cloud*'));
    assert.ok(matchPattern('cloud1', 'cloud?'));
    assert.ok(!matchPattern('cloud', 'cloud?'), '? is not optional');
    assert.ok(!matchPattern('cloud12', 'cloud?'));
    assert.ok(matchPattern('a.b.c', '*.c'));
    assert.ok(matchPattern('abcbd', '*b*d'), 'backtracks');
    assert.ok(!matchPattern('abcbe', '*b*d'));
    assert.ok(matchPattern('', '*'));
  });

  it('takes `.`, `[`, `]` literally', () => {
    assert.ok(matchPattern('[cloud4]:2222', '[cloud4]:2222'));
    assert.ok(matchPattern('[10.0.0.7]:2222', '[10.0.0.*]:2222'));
    assert.ok(!matchPattern('10x0', '10.0'));
  });
});

describe('matchPatternList', () => {
  it('needs a positive match and no negated one', () => {
    assert.ok(matchPatternList('cloud3', ['cloud*', '!cloud9']));
    assert.ok(!matchPatternList('cloud9', ['cloud*', '!cloud9']));
    assert.ok(!matchPatternList('cloud9', ['!cloud9', 'cloud*']), 'order does not matter');
    assert.ok(!matchPatternList('db1', ['!cloud9']), 'a negation alone matches nothing');
  });

  it('ignores case, as ssh lowercases host names', () => {
    assert.ok(matchPatternList('Cloud3', ['CLOUD*']));
  });
});

describe('hashed hosts', () => {
  it('round-trips |1|salt|hash and rejects look-alikes', () => {
    const field = formatHashedHost('[cloud4]:2222', randomBytes(20));
    const hashed = parseHashedHost(field);
    assert.ok(hashed !== null);
    assert.ok(matchHashedHost('[cloud4]:2222', hashed));
    assert.ok(!matchHashedHost('cloud4', hashed));
    assert.equal(parseHashedHost('|1|c2FsdA==|aGFzaA=='), null, 'salt and hash must be 20 bytes');
    assert.equal(parseHashedHost('|2|x|y'), null);
  });

  it('spells non-22 ports as [host]:port', () => {
    assert.equal(hostPortString('Cloud3', 22), 'cloud3');
    assert.equal(hostPortString('cloud3', 2222), '[cloud3]:2222');
    assert.equal(hostPortString('::1', 2222), '[::1]:2222');
  });
});
