// Helpers for the tests that run nginx's scripts on this machine: run a script (blocking or not),
// a squatter on a port, and what /proc says about a process and its session.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { toShell, type Command } from '../../admin/transport/command.js';

export interface Setup { dir: string; p: number; cfg: string; pidf: string; log: string; root: string; text: string }

export const sh = (c: Command): { code: number | null; out: string } => {
  const r = spawnSync('sh', ['-c', toShell(c)], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout + r.stderr };
};

/** Like sh, without blocking this process's event loop (requests it sends keep going). */
export function run(c: Command): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const child = spawn('sh', ['-c', toShell(c)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += String(d); });
    child.stderr.on('data', (d) => { out += String(d); });
    child.on('exit', (code) => done({ code, out }));
  });
}

/** GET on a connection of its own (no keep-alive pool): the status code, or the error. */
export function get(url: string): Promise<number | string> {
  return new Promise((done) => {
    const req = request(url, { agent: false, timeout: 5000 }, (res) => { res.resume(); res.on('end', () => done(res.statusCode ?? 0)); });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => done(e.message));
    req.end();
  });
}

/** Running and not a zombie. */
export function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** The processes of `pid`'s session (an nginx master leads its own, with its workers in it). */
export function members(pid: number): number[] {
  const out = spawnSync('ps', ['-o', 'pid=,stat=', '-s', String(pid)], { encoding: 'utf8' }).stdout;
  return out.trim().split('\n').map((l) => l.trim().split(/\s+/)).filter(([p, st]) => p && !st?.startsWith('Z')).map(([p]) => Number(p));
}

/** Another process listening on 127.0.0.1:p. */
export async function squatter(p: number): Promise<ChildProcess> {
  const code = `require("net").createServer().listen(${p}, "127.0.0.1", () => console.log("up"))`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((r) => child.stdout!.once('data', r));
  return child;
}
