// labDown works from lab.json alone: after labUp's process is killed mid-way, and after the
// host directories are lost.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { labDown, labStatus, labUp } from '../../admin/lab/index.js';
import { NEEDS_ROOT, running, tempLabDir, traces } from './helpers.js';

const LAB_MODULE = fileURLToPath(new URL('../../admin/lab/index.js', import.meta.url));

/** Run labUp in a child process that SIGKILLs itself when the `n`-th host is up. */
function labUpKilledAt(dir: string, hosts: number, n: number): Promise<void> {
  const script = `
    const { labUp } = await import(${JSON.stringify(LAB_MODULE)});
    let up = 0;
    await labUp({ hosts: ${hosts}, dir: ${JSON.stringify(dir)} }, (e) => {
      if (e.kind === 'host-up' && ++up === ${n}) process.kill(process.pid, 'SIGKILL');
    });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: 'inherit',
  });
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

describe('labDown from the state file alone', { skip: NEEDS_ROOT }, () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) {
      await labDown(d);
    }
  });

  test('cleans a lab whose labUp was killed mid-way', async () => {
    const dir = await tempLabDir();
    dirs.push(dir);
    await labUpKilledAt(dir, 12, 3);
    const state = JSON.parse(await readFile(`${dir}/lab.json`, 'utf8')) as {
      id: number;
      phase: string;
      hosts: unknown[];
    };
    assert.equal(state.phase, 'building');
    assert.equal(state.hosts.length, 12);
    assert.equal((await labStatus(dir)).healthy, false);
    assert.ok((await traces(state.id)).length > 0, 'the crash left kernel objects behind');
    await labDown(dir);
    assert.deepEqual(await traces(state.id), []);
    assert.equal(existsSync(dir), false);
    assert.deepEqual(await labDown(dir), { removed: [] });
  });

  test('cleans a lab whose host directories are gone', async () => {
    const dir = await tempLabDir();
    dirs.push(dir);
    const lab = await labUp({ hosts: 3, dir });
    // (an sshd may still append to its log while this runs: hence the retries)
    for (const entry of await readdir(dir)) {
      if (entry !== 'lab.json') {
        await rm(`${dir}/${entry}`, { recursive: true, maxRetries: 5 });
      }
    }
    const { removed } = await labDown(dir);
    assert.equal(removed.filter((r) => r.startsWith('sshd ')).length, 3);
    assert.deepEqual(running(lab.hosts.map((h) => h.sshdPid)), []);
    assert.deepEqual(await traces(lab.id), []);
  });

  test('labUp refuses a directory that is not empty, and bad options', async () => {
    const dir = await tempLabDir();
    dirs.push(dir);
    await import('node:fs/promises').then((fs) => fs.writeFile(`${dir}/precious`, 'x'));
    await assert.rejects(labUp({ hosts: 2, dir }), /not empty/);
    assert.ok(existsSync(`${dir}/precious`));
    await assert.rejects(labUp({ hosts: 0, dir: `${dir}/x` }), /1 to 250/);
    await assert.rejects(labUp({ hosts: 2, dir: `${dir}/x`, namePrefix: 'web1' }), /namePrefix/);
    await assert.rejects(labUp({ hosts: 2, dir: '/tmp/with space' }), /lab dir/);
    await rm(dir, { recursive: true });
  });
});
