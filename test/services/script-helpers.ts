// Shared by the tests that run the service scripts on this machine (daemon, haproxy, nginx):
// run a script under sh (blocking, or not), put another process on a port, and check the "port held" refusal.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { toShell, type Command } from '../../admin/transport/command.js';

export interface ScriptRun {
  code: number | null;
  out: string;
}

export const sh = (c: Command): ScriptRun => {
  const r = spawnSync('sh', ['-c', toShell(c)], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout + r.stderr };
};

/** Like sh, without blocking this process's event loop (requests it sends keep going). */
export function run(c: Command): Promise<ScriptRun> {
  return new Promise((done) => {
    const child = spawn('sh', ['-c', toShell(c)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    child.stderr.on('data', (d) => {
      out += String(d);
    });
    child.on('exit', (code) => done({ code, out }));
  });
}

/** Another process listening on 127.0.0.1:p (after `delayMs`; with 0, once it listens). */
export async function squatter(p: number, delayMs = 0): Promise<ChildProcess> {
  const code = `setTimeout(() => require("net").createServer().listen(${p}, "127.0.0.1", () => console.log("up")), ${delayMs})`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'ignore'] });
  if (delayMs === 0) {
    await new Promise((r) => child.stdout!.once('data', r));
  }
  return child;
}

/** A start on a port `squat` holds fails at once, names the holder, and leaves no pid file. */
export function assertRefusedAtOnce(
  start: () => ScriptRun,
  port: number,
  squat: ChildProcess,
  pidFile: string,
  what: string,
): void {
  const started = Date.now();
  const r = start();
  assert.equal(r.code, 1, r.out);
  assert.match(
    r.out,
    new RegExp(
      `^port ${port} is already in use by pid ${squat.pid} \\(\\S*node -e .*listen\\(${port}, "127\\.0\\.0\\.1".*\\): not starting\n$`,
    ),
  );
  assert.ok(Date.now() - started < 5000, 'failed at once, not at the deadline');
  assert.equal(existsSync(pidFile), false, `no ${what} was started`);
}
