// The known_hosts index gives exactly what a scan of every line with OpenSSH's rules gives.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { formatHashedHost } from '../../../admin/transport/ssh-config/host-pattern.js';
import { KnownHostsIndex } from '../../../admin/transport/hostkeys/known-hosts/lookup.js';
import {
  entryMatchesHost,
  parseKnownHosts,
  type KnownHostsKey,
} from '../../../admin/transport/hostkeys/known-hosts/index.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAFXMZJpMbueovxxXCMcsF1RNKiSZ/7QqIOZUJRVUdQj';

const lines = [
  'cloud1,198.18.1.1',
  'CLOUD2',
  '[cloud3]:2222,cloud3',
  'cloud1', // plain, upper case, port, a repeat
  'web*',
  '!web9,web?',
  'cloud1,!198.18.1.1',
  '*', // wildcards and negations
  formatHashedHost('cloud2', randomBytes(20)),
  formatHashedHost('[cloud3]:2222', randomBytes(20)),
  formatHashedHost('198.18.1.1', randomBytes(20)),
];
const keys = parseKnownHosts(lines.map((h) => `${h} ${KEY}\n`).join(''), 'known_hosts').filter(
  (e): e is KnownHostsKey => e.kind === 'key',
);

const hostStrings = [
  'cloud1',
  'Cloud1',
  'cloud2',
  'cloud3',
  '[cloud3]:2222',
  '198.18.1.1',
  'web1',
  'web9',
  'web10',
  'nowhere',
];

describe('known_hosts index', () => {
  it('parses every fixture line', () => assert.equal(keys.length, lines.length));

  it('matches what a scan of every line with OpenSSH rules matches, in file order', () => {
    const index = new KnownHostsIndex(keys);
    for (const h of hostStrings) {
      const scan = keys.filter((k) => entryMatchesHost(k, h));
      assert.deepEqual(
        index.matching(h).map((k) => k.line),
        scan.map((k) => k.line),
        h,
      );
      assert.deepEqual(
        index.matching(h).map((k) => k.line),
        scan.map((k) => k.line),
        `${h}, answered again`,
      );
    }
  });

  it('several host strings at once: each line once, in file order', () => {
    const index = new KnownHostsIndex(keys);
    const both = index.matching('cloud1', '198.18.1.1').map((k) => k.line);
    const scan = keys
      .filter((k) => entryMatchesHost(k, 'cloud1') || entryMatchesHost(k, '198.18.1.1'))
      .map((k) => k.line);
    assert.deepEqual(both, scan);
    assert.equal(new Set(both).size, both.length);
  });
});
