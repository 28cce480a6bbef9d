// Helpers for the tests that run nginx's scripts on this machine: plain GETs, and what /proc
// says about a process and its session (sh, run and squatter are in script-helpers.ts).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';

export interface Setup {
  dir: string;
  p: number;
  cfg: string;
  pidf: string;
  log: string;
  root: string;
  text: string;
}

/** GET on a connection of its own (no keep-alive pool): the status code, or the error. */
export function get(url: string): Promise<number | string> {
  return new Promise((done) => {
    const req = request(url, { agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
    });
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
  return out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([p, st]) => p && !st?.startsWith('Z'))
    .map(([p]) => Number(p));
}
