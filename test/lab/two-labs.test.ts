// Two labs built at the same time get their own id, bridge, subnet and namespaces.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { labDown, labStatus, labUp, type Lab } from '../../admin/lab/index.js';
import { NEEDS_ROOT, ssh, tempLabDir, traces } from './helpers.js';

describe('two labs at once', { skip: NEEDS_ROOT }, () => {
  const dirs: string[] = [];
  let a: Lab;
  let b: Lab;

  before(async () => {
    dirs.push(await tempLabDir(), await tempLabDir());
    const built = await Promise.allSettled([
      labUp({ hosts: 3, dir: dirs[0] }),
      labUp({ hosts: 2, dir: dirs[1], namePrefix: 'web' }),
    ]);
    const failed = built.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      throw failed.reason;
    }
    [a, b] = built.map((r) => (r as PromiseFulfilledResult<Lab>).value) as [Lab, Lab];
  });
  after(async () => {
    for (const d of dirs) {
      await labDown(d);
    }
  });

  test('they do not collide', () => {
    assert.notEqual(a.id, b.id);
    assert.notEqual(a.bridge, b.bridge);
    assert.notEqual(a.subnet, b.subnet);
    assert.deepEqual(
      b.hosts.map((h) => h.name),
      ['web1', 'web2'],
    );
    assert.equal(b.hosts[0]!.netns, `salvo${b.id}-web1`);
  });

  test('both answer over ssh, each host by its own name', async () => {
    assert.deepEqual(await Promise.all(a.hosts.map((h) => ssh(a, h.name, 'hostname'))), [
      'cloud1',
      'cloud2',
      'cloud3',
    ]);
    assert.deepEqual(await Promise.all(b.hosts.map((h) => ssh(b, h.name, 'hostname'))), [
      'web1',
      'web2',
    ]);
  });

  test('a host cannot reach the other lab', async () => {
    const other = a.hosts[0]!.address;
    assert.equal(
      await ssh(
        b,
        'web1',
        `timeout 3 bash -c 'echo > /dev/tcp/${other}/22' 2>/dev/null && echo reached || echo blocked`,
      ),
      'blocked',
    );
  });

  test('taking one down leaves the other running', async () => {
    await labDown(a.dir);
    assert.deepEqual(await traces(a.id), []);
    assert.equal((await labStatus(b.dir)).healthy, true);
    assert.equal(await ssh(b, 'web2', 'hostname'), 'web2');
    await labDown(b.dir);
    assert.deepEqual(await traces(b.id), []);
  });
});
