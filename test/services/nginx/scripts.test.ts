// nginx's scripts with the real nginx binary on 127.0.0.1 and a free port, every file in a
// temp dir (no lab needed): the rendered config passes `nginx -t`, start proves the master owns
// its port, start again is a no-op, a HUP reload keeps the master pid and drops no request, a port
// another process holds is refused at once with the holder named, stop is graceful (QUIT) and
// escalates to KILL of the whole process group.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { script } from '../../../admin/services/daemon/daemon.js';
import { STATUS } from '../../../admin/services/daemon/scripts.js';
import { renderNginxConfig } from '../../../admin/services/nginx/config.js';
import { NGINX_STOP, NGINX_UP, NGINX_WRITE_CONFIG } from '../../../admin/services/nginx/scripts.js';
import { parseUnitStatus } from '../../../admin/probes/unit-status.js';
import { alive, get, members, type Setup } from './helpers.js';
import { assertRefusedAtOnce, run, sh, squatter } from '../script-helpers.js';
import { freePorts } from '../../support/ports.js';

const NGINX = spawnSync('sh', ['-c', 'command -v nginx']).stdout.toString().trim();
const skip = !NGINX && 'nginx is not installed (.ci/setup installs nginx-light)';

async function withNginx(work: (s: Setup) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'salvo-nginx-'));
  await chmod(dir, 0o755); // the workers (www-data when run as root) read the static root below it
  const p = await freePorts(2); // the reload test moves to p + 1
  const s: Setup = {
    dir,
    p,
    cfg: join(dir, 'nginx/nginx.conf'),
    pidf: join(dir, 'pids/nginx.0.pid'),
    log: join(dir, 'logs/nginx.0.log'),
    root: join(dir, 'static'),
    text: renderNginxConfig({
      deployment: 't',
      port: p,
      address: '127.0.0.1',
      root: join(dir, 'static'),
      workerProcesses: 2,
      user: 'www-data',
      pidFile: join(dir, 'pids/nginx.0.pid'),
      errorLog: join(dir, 'logs/nginx.0.log'),
      accessLog: join(dir, 'logs/nginx.0.access.log'),
      tempDir: join(dir, 'nginx'),
    }),
  };
  try {
    await work(s);
  } finally {
    sh(script(NGINX_STOP, s.pidf, 2)); // by the pid file only
    await rm(dir, { recursive: true, force: true });
  }
}

const write = (s: Setup, text = s.text) =>
  sh(script(NGINX_WRITE_CONFIG, s.cfg, text, s.root, s.log, s.pidf, NGINX));
const upCmd = (s: Setup, mode: 'start' | 'reload') =>
  script(NGINX_UP, s.pidf, s.log, 10, s.p, mode, NGINX, '-e', s.log, '-c', s.cfg);
const up = (s: Setup, mode: 'start' | 'reload') => sh(upCmd(s, mode));
const pidOf = async (s: Setup): Promise<number> => Number((await readFile(s.pidf, 'utf8')).trim());
const status = (s: Setup) =>
  parseUnitStatus(sh(script(STATUS, s.pidf, s.log, s.p, `http://127.0.0.1:${s.p}/alive`, '-')).out);

test('nginx: the rendered config passes nginx -t and is moved in place; one nginx rejects is not', {
  skip,
}, async () => {
  await withNginx(async (s) => {
    const first = write(s);
    assert.equal(first.code, 0, first.out);
    assert.equal(first.out.trim(), `config written to ${s.cfg}`);
    assert.equal(write(s).out.trim(), 'config unchanged');
    const bad = write(s, s.text.replace('sendfile on;', 'sendfile on; bogus_directive 1;'));
    assert.equal(bad.code, 1, bad.out);
    assert.match(
      bad.out,
      /^nginx rejects the rendered config \(.*nginx\.conf\.new\):\n.*unknown directive "bogus_directive"/,
    );
    assert.equal(await readFile(s.cfg, 'utf8'), s.text, 'the live config stays');
  });
});

test('nginx: start proves the master owns its port; start again is a no-op; status; stop is graceful', {
  skip,
}, async () => {
  await withNginx(async (s) => {
    assert.equal(write(s).code, 0);
    await writeFile(join(s.root, 'hello.txt'), 'hello\n');
    const first = up(s, 'start');
    assert.equal(first.code, 0, first.out);
    const pid = await pidOf(s);
    assert.equal(first.out.trim(), `started (pid ${pid})`);
    assert.match(await readFile(`/proc/${pid}/cmdline`, 'utf8'), /^nginx: master process /);
    assert.equal(await (await fetch(`http://127.0.0.1:${s.p}/alive`)).text(), 'ok\n');
    assert.equal(await (await fetch(`http://127.0.0.1:${s.p}/static/hello.txt`)).text(), 'hello\n');
    assert.equal(await (await fetch(`http://127.0.0.1:${s.p}/hello.txt`)).text(), 'hello\n');
    const h = status(s);
    assert.equal(h.state, 'running', JSON.stringify(h));
    assert.equal(h.pid, pid);
    assert.match(h.version ?? '', /^1\.\d+\.\d+$/, 'the version nginx -v reports');
    assert.equal(up(s, 'start').out.trim(), `already running (pid ${pid})`);
    assert.equal(await pidOf(s), pid);
    const workers = members(pid).filter((p) => p !== pid);
    assert.equal(workers.length, 2);

    const stop = sh(script(NGINX_STOP, s.pidf, 5));
    assert.equal(stop.out.trim(), `stopped (pid ${pid}, QUIT)`);
    assert.ok(!alive(pid) && workers.every((w) => !alive(w)), 'master and workers are gone');
    assert.equal(existsSync(s.pidf), false);
    assert.deepEqual(status(s), { state: 'stopped', detail: 'no pid file' });
    assert.equal(sh(script(NGINX_STOP, s.pidf, 5)).out.trim(), 'not running (no pid file)');
  });
});

test('nginx: reload (HUP) keeps the master pid, starts new workers and drops no request', {
  skip,
}, async () => {
  await withNginx(async (s) => {
    assert.equal(write(s).code, 0);
    assert.equal(up(s, 'start').code, 0);
    const pid = await pidOf(s);
    // A new connection per request: an idle keep-alive connection an old worker closes as it
    // finishes is not a dropped request (a client retries it), a refused connection would be.
    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const traffic = (async () => {
      for (let i = 0; i < 2000 && !stop; i++) {
        const r = await get(`http://127.0.0.1:${s.p}/alive`);
        if (r === 200) {
          ok++;
        } else {
          failures.push(String(r));
        }
      }
    })();
    for (let i = 0; i < 3; i++) {
      const before = members(pid);
      const r = await run(upCmd(s, 'reload')); // async: the requests above keep flowing meanwhile
      assert.equal(r.code, 0, r.out);
      assert.match(
        r.out.trim(),
        new RegExp(`^reloaded \\(pid ${pid}, new workers \\d+( \\d+)?\\)$`),
      );
      assert.ok(
        members(pid).some((p) => !before.includes(p)),
        'new workers',
      );
    }
    stop = true;
    await traffic;
    assert.deepEqual(failures, []);
    assert.ok(ok >= 20, `${ok} requests answered during the reloads`);
    assert.equal(await pidOf(s), pid, 'the same master');
    assert.equal(status(s).state, 'running');
  });
});

test('nginx: a reload nginx cannot apply (its new port is taken) fails at once; the old config keeps serving', {
  skip,
}, async () => {
  await withNginx(async (s) => {
    assert.equal(write(s).code, 0);
    assert.equal(up(s, 'start').code, 0);
    const pid = await pidOf(s);
    const p2 = s.p + 1;
    const squat = await squatter(p2);
    try {
      assert.equal(
        write(s, s.text.replace(`listen 127.0.0.1:${s.p};`, `listen 127.0.0.1:${p2};`)).code,
        0,
        '-t does not bind',
      );
      const started = Date.now();
      const r = up({ ...s, p: p2 }, 'reload');
      assert.equal(r.code, 1, r.out);
      assert.match(
        r.out,
        new RegExp(
          `^nginx pid ${pid} did not take the new config \\(it keeps the old one\\)\n[\\s\\S]*\\[emerg\\].*bind\\(\\) to 127\\.0\\.0\\.1:${p2} failed`,
        ),
      );
      assert.ok(Date.now() - started < 5000, 'at once, not at the deadline');
      assert.equal(await get(`http://127.0.0.1:${s.p}/alive`), 200);
      assert.equal(await pidOf(s), pid);
    } finally {
      squat.kill();
    }
  });
});

test('nginx: reload when it is not running starts it', { skip }, async () => {
  await withNginx(async (s) => {
    assert.equal(write(s).code, 0);
    const r = up(s, 'reload');
    assert.equal(r.code, 0, r.out);
    assert.equal(r.out.trim(), `started (pid ${await pidOf(s)})`);
  });
});

test('nginx: a port another process holds fails the start at once, naming it; nothing starts', {
  skip,
}, async () => {
  await withNginx(async (s) => {
    assert.equal(write(s).code, 0);
    const squat = await squatter(s.p);
    try {
      assertRefusedAtOnce(() => up(s, 'start'), s.p, squat, s.pidf, 'nginx');
    } finally {
      squat.kill();
    }
  });
});

test('nginx: stop escalates to KILL of the process group when a connection outlasts the timeout', {
  skip,
}, async () => {
  await withNginx(async (s) => {
    assert.equal(write(s).code, 0);
    assert.equal(up(s, 'start').code, 0);
    const pid = await pidOf(s);
    const workers = members(pid).filter((p) => p !== pid);
    // A client that asks for a large file and never reads it: its worker cannot finish it.
    spawnSync('dd', ['if=/dev/zero', `of=${join(s.root, 'big.bin')}`, 'bs=1M', 'count=64'], {
      stdio: 'ignore',
    });
    const { connect } = await import('node:net');
    const client = connect(s.p, '127.0.0.1', () =>
      client.write('GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n'),
    );
    client.pause();
    await new Promise((r) => setTimeout(r, 500));
    try {
      const stop = await run(script(NGINX_STOP, s.pidf, 1));
      assert.equal(
        stop.out.trim(),
        `stopped (pid ${pid}, QUIT, connections still open after 1s, then KILL)`,
      );
      assert.ok(!alive(pid) && workers.every((w) => !alive(w)), 'master and workers are gone');
    } finally {
      client.destroy();
    }
  });
});
