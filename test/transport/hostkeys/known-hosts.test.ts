// known_hosts parsing and checking, against files written by ssh-keygen itself (plain and -H).
import assert from 'node:assert/strict';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fingerprintSha256 } from '../../../admin/transport/hostkeys/fingerprint.js';
import {
  entryMatchesHost,
  KnownHosts,
  parseKnownHosts,
  type KnownHostsKey,
} from '../../../admin/transport/hostkeys/known-hosts/index.js';
import { generateKey, keygenFindLines, run, tempDir, type GeneratedKey } from './fixtures.js';

const pub = (k: GeneratedKey): string => k.pubLine.split(' ').slice(0, 2).join(' ');

describe('known_hosts', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let k: Record<'a' | 'a2' | 'r' | 'ca' | 'b' | 'c' | 'c2', GeneratedKey>;
  let plain: string; // valid lines only
  let hashed: string; // the same after `ssh-keygen -H`
  let broken: string; // valid lines plus malformed ones

  before(async () => {
    tmp = await tempDir('kh');
    const g = (name: string, type: string, bits?: number) => generateKey(tmp.dir, name, type, bits);
    k = {
      a: await g('a', 'ed25519'),
      a2: await g('a2', 'ed25519'),
      r: await g('r', 'ed25519'),
      ca: await g('ca', 'ed25519'),
      b: await g('b', 'ecdsa', 256),
      c: await g('c', 'rsa', 2048),
      c2: await g('c2', 'rsa', 2048),
    };
    plain = join(tmp.dir, 'known_hosts');
    await writeFile(
      plain,
      [
        '# fleet', // 1
        `cloud3,198.18.1.3 ${pub(k.a)}`, // 2
        `[cloud4]:2222 ${pub(k.b)} cloud4 on a side port`, // 3
        '', // 4
        `*.lab,!bad.lab ${pub(k.c)}`, // 5
        `@revoked * ${pub(k.r)}`, // 6
        `@cert-authority *.ca ${pub(k.ca)}`, // 7
        '',
      ].join('\n'),
    );
    hashed = join(tmp.dir, 'known_hosts.hashed');
    await copyFile(plain, hashed);
    await run('ssh-keygen', ['-H', '-f', hashed]);
    broken = join(tmp.dir, 'known_hosts.broken');
    await writeFile(
      broken,
      `${await readFile(plain, 'utf8')}${[
        'cloud5 ssh-ed25519', // 8
        `@bogus cloud6 ${pub(k.a)}`, // 9
        'cloud7 ssh-ed25519 !!!notbase64', // 10
        `cloud8 ssh-rsa ${pub(k.a).split(' ')[1]}`, // 11
        `|1|bad|hash ${pub(k.a)}`, // 12
      ].join('\n')}\n`,
    );
  });
  after(() => tmp.remove());

  it('parses every kind of line ssh-keygen writes', async () => {
    const entries = parseKnownHosts(await readFile(plain, 'utf8'), plain);
    const keys = entries.filter((e): e is KnownHostsKey => e.kind === 'key');
    assert.equal(entries.length, 5);
    assert.deepEqual(
      keys.map((e) => [e.line, e.marker, e.type]),
      [
        [2, null, 'ssh-ed25519'],
        [3, null, 'ecdsa-sha2-nistp256'],
        [5, null, 'ssh-rsa'],
        [6, 'revoked', 'ssh-ed25519'],
        [7, 'cert-authority', 'ssh-ed25519'],
      ],
    );
    assert.deepEqual(keys[0]?.hosts, { kind: 'patterns', patterns: ['cloud3', '198.18.1.3'] });
    assert.equal(keys[1]?.comment, 'cloud4 on a side port');
    assert.ok(keys[0]?.blob.equals(k.a.blob));
  });

  it('reports malformed lines with file:line and keeps the rest', async () => {
    const known = await KnownHosts.load([broken]);
    assert.deepEqual(
      known.issues.map((i) => [i.file, i.line]),
      [8, 9, 10, 11, 12].map((l) => [broken, l]),
    );
    assert.match(known.issues[1]?.message ?? '', /unknown marker @bogus/);
    assert.equal(known.issues[2]?.col, 20, 'points at the key field');
    assert.match(known.issues[3]?.message ?? '', /does not match the key data \(ssh-ed25519\)/);
    assert.deepEqual(known.check(['cloud3'], 22, k.a.blob), { status: 'ok' });
  });

  it('reads hashed files written by ssh-keygen -H', async () => {
    const entries = parseKnownHosts(await readFile(hashed, 'utf8'), hashed);
    const hashedLines = entries.filter((e) => e.kind === 'key' && e.hosts.kind === 'hashed');
    assert.equal(
      hashedLines.length,
      3,
      'cloud3 and its address on one line each, plus [cloud4]:2222',
    );
    assert.equal(entries.filter((e) => e.kind === 'invalid').length, 0);
  });

  for (const [label, file] of [
    ['plain', () => plain],
    ['hashed', () => hashed],
  ] as const) {
    it(`finds the same lines as ssh-keygen -F (${label})`, async () => {
      const entries = parseKnownHosts(await readFile(file(), 'utf8'), file());
      for (const host of [
        'cloud3',
        '198.18.1.3',
        '[cloud4]:2222',
        'cloud4',
        'web.lab',
        'bad.lab',
        'x.ca',
        'Cloud3',
      ]) {
        const ours = entries.filter(
          (e): e is KnownHostsKey => e.kind === 'key' && entryMatchesHost(e, host.toLowerCase()),
        );
        assert.deepEqual(
          ours.map((e) => e.line),
          await keygenFindLines(file(), host.toLowerCase()),
          host,
        );
      }
    });

    it(`gives OpenSSH's verdicts (${label})`, async () => {
      const known = await KnownHosts.load([file(), join(tmp.dir, 'missing', 'known_hosts')]);
      assert.deepEqual(known.check(['cloud3'], 22, k.a.blob), { status: 'ok' });
      assert.deepEqual(known.check(['198.18.1.3'], 22, k.a.blob), { status: 'ok' });
      assert.deepEqual(
        known.check(['cloud3'], 2222, k.a.blob),
        { status: 'unknown' },
        'another port is another host',
      );
      assert.deepEqual(known.check(['cloud4'], 2222, k.b.blob), { status: 'ok' });
      assert.deepEqual(known.check(['cloud4'], 22, k.b.blob), { status: 'unknown' });
      assert.deepEqual(
        known.check(['cloud3'], 22, k.b.blob),
        { status: 'unknown' },
        'only other key types known',
      );
      assert.deepEqual(known.check(['web.lab'], 22, k.c.blob), { status: 'ok' });
      assert.deepEqual(
        known.check(['bad.lab'], 22, k.c.blob),
        { status: 'unknown' },
        'negated pattern',
      );
      assert.deepEqual(known.check(['nowhere'], 22, k.a.blob), { status: 'unknown' });
      const changed = known.check(['cloud3'], 22, k.a2.blob);
      assert.equal(changed.status, 'changed');
      if (changed.status === 'changed') {
        assert.equal(changed.known.length, 1);
        assert.equal(changed.known[0]?.file, file());
        assert.equal(changed.known[0]?.line, 2);
        assert.equal(changed.known[0]?.host, 'cloud3');
        assert.equal(changed.known[0]?.fingerprint, fingerprintSha256(k.a.blob));
      }
      assert.equal(known.check(['x.lab'], 22, k.c2.blob).status, 'changed', 'wildcard lines count');
    });

    it(`lets @revoked win and never matches @cert-authority keys (${label})`, async () => {
      const known = await KnownHosts.load([file()]);
      const revokedLine = label === 'plain' ? 6 : 7;
      assert.deepEqual(known.check(['cloud3'], 22, k.r.blob), {
        status: 'revoked',
        file: file(),
        line: revokedLine,
      });
      assert.deepEqual(known.check(['anything'], 2222, k.r.blob), {
        status: 'revoked',
        file: file(),
        line: revokedLine,
      });
      assert.deepEqual(known.check(['x.ca'], 22, k.ca.blob), { status: 'unknown' });
    });
  }

  it('trusts a key listed for any of the names, else reports the conflicting name', async () => {
    const known = await KnownHosts.load([plain]);
    assert.deepEqual(known.check(['cloud3', '198.18.9.9'], 22, k.a.blob), { status: 'ok' });
    const changed = known.check(['new-name', '198.18.1.3'], 22, k.a2.blob);
    assert.equal(
      changed.status === 'changed' && changed.known.map((c) => `${c.host}@${c.line}`).join(),
      '198.18.1.3@2',
    );
    assert.deepEqual(known.knownTypes(['cloud3'], 22), ['ssh-ed25519']);
    assert.deepEqual(known.knownTypes(['web.lab', 'cloud4'], 2222), ['ecdsa-sha2-nistp256']);
  });

  it('treats missing files as empty and unreadable ones as issues', async () => {
    const known = await KnownHosts.load([join(tmp.dir, 'nope'), tmp.dir]);
    assert.deepEqual(known.check(['cloud3'], 22, k.a.blob), { status: 'unknown' });
    assert.equal(known.issues.length, 1, 'a directory is not a known_hosts file');
    assert.match(known.issues[0]?.message ?? '', /EISDIR/);
  });

  it('handles CRLF line endings', () => {
    const entries = parseKnownHosts(`# x\r\ncloud3 ${pub(k.a)}\r\n`, 'f');
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.kind, 'key');
  });
});
