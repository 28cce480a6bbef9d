// `salvo lab down` output: one entry per kind of thing removed, host names folded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderRemoved } from '../../admin/cli/render/program/lab.js';

describe('lab down output', () => {
  it('folds each kind of removed item into one entry with its count', () => {
    const hosts = [1, 2, 3, 4, 10];
    const removed = [
      ...hosts.map((n) => `sshd ${4000 + n} (cloud${n})`),
      ...hosts.map((n) => `veth s1-v${n}`),
      ...hosts.map((n) => `netns salvo1-cloud${n}`),
      'bridge salvo1',
      ...hosts.map((n) => `/etc/netns/salvo1-cloud${n}`),
      '/run/netns',
      '/tmp/lab5',
    ];
    assert.equal(
      renderRemoved(removed),
      'removed: sshd cloud[1-4,10] (5), veth s1-v[1-4,10] (5), netns salvo1-cloud[1-4,10] (5), bridge salvo1, ' +
        '/etc/netns/salvo1-cloud[1-4,10] (5), /run/netns, /tmp/lab5\n',
    );
  });

  it('a kind with one item is shown as reported; nothing removed says so', () => {
    assert.equal(
      renderRemoved(['sshd 4242 (cloud1)', '/tmp/x']),
      'removed: sshd 4242 (cloud1), /tmp/x\n',
    );
    assert.equal(renderRemoved([]), 'nothing to remove\n');
  });

  it('names that do not fold are listed', () => {
    assert.equal(
      renderRemoved(['veth a b', 'veth c', 'veth d']),
      'removed: veth a b, veth c,d (2)\n',
    );
  });
});
