// The cold contenders: each run is a new process that connects to every host, runs `true` and
// exits. Every tool gets a check that the run really had N successful answers; a fast run that
// failed does not count.
import { join } from 'node:path';
import type { Spawned, SpawnSpec } from './measure.js';

export interface ColdContext {
  /** The salvo CLI (./bin/salvo). */
  salvo: string;
  servicesFile: string;
  sshConfig: string;
  /** Where the peers run: an empty temp dir (clush/pdsh would glob `cloud[1-N]` against files). */
  cwd: string;
  /** A file listing cloud1..cloudN, one a line (pssh -h). */
  hostsFile: (n: number) => string;
  timeoutMs: number;
}

export interface ColdTool {
  name: string;
  /** A peer we compare salvo against (pdsh, pssh, clush, Ansible); the shell loop is the baseline. */
  peer: boolean;
  /** A command that must be installed for this tool to run; the run skips the tool without it. */
  optional?: string;
  spec(n: number, ctx: ColdContext): SpawnSpec;
  /** Why this run does not count, or undefined when every one of the N hosts succeeded. */
  check(r: Spawned, n: number): string | undefined;
}

export const nodeset = (n: number): string => (n === 1 ? 'cloud1' : `cloud[1-${n}]`);
export const hostNames = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `cloud${i + 1}`);

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.slice(0, 160) ?? '';
}

function common(r: Spawned): string | undefined {
  if (r.timedOut) {
    return 'timed out (killed)';
  }
  if (r.signal) {
    return `killed by ${r.signal}`;
  }
  return undefined;
}

export const salvoCold: ColdTool = {
  name: 'salvo exec',
  peer: false,
  // Fan-out = N: salvo has no upper limit on -f, so every host is in flight at once.
  spec: (n, ctx) => ({
    argv: [ctx.salvo, '-s', ctx.servicesFile, 'exec', nodeset(n), '-f', String(n), '--', 'true'],
    cwd: ctx.cwd,
    timeoutMs: ctx.timeoutMs,
  }),
  // Exit 0 means every host ok; the summary line says how many there were.
  check: (r, n) => {
    const c = common(r);
    if (c) {
      return c;
    }
    const want = `${n} hosts: ${n} ok, 0 failed, 0 unreachable`;
    if (r.code !== 0) {
      // The summary, and the first host failure's own words (why a host was lost).
      const why = `${r.stdout}\n${r.stderr}`
        .split('\n')
        .find((l) => /handshake|timed out|refused|unreachable:|cannot|closed/.test(l));
      return `exit ${r.code}: ${firstLine(
        r.stderr
          .split('\n')
          .filter((l) => / hosts: /.test(l))
          .join('\n') || r.stderr,
      )}${why ? ` (${why.trim().slice(0, 200)})` : ''}`;
    }
    if (!r.stderr.includes(want)) {
      return `summary is not "${want}"`;
    }
    return undefined;
  },
};

export const sshLoop: ColdTool = {
  name: 'ssh loop',
  peer: false,
  // for h in …; do ssh -F DIR/ssh_config $h true & done; wait — plus each job's exit status,
  // collected by `wait PID` (no extra process per host).
  spec: (n, ctx) => ({
    argv: [
      'bash',
      '--norc',
      '--noprofile',
      '-c',
      `pids=(); for h in ${hostNames(n).join(' ')}; do ssh -F ${ctx.sshConfig} $h true & pids+=($!); done; ` +
        'ok=0; for p in "${pids[@]}"; do wait "$p" && ok=$((ok+1)); done; echo "ok=$ok"',
    ],
    cwd: ctx.cwd,
    timeoutMs: ctx.timeoutMs,
  }),
  check: (r, n) => {
    const c = common(r);
    if (c) {
      return c;
    }
    const got = /ok=(\d+)/.exec(r.stdout)?.[1];
    if (got !== String(n)) {
      return `${got ?? 0}/${n} ssh exited 0: ${firstLine(r.stderr)}`;
    }
    return undefined;
  },
};

export const pdsh: ColdTool = {
  name: 'pdsh',
  peer: true,
  // -S: exit with the largest remote exit status (ssh failing gives 255); without it pdsh exits 0.
  spec: (n, ctx) => ({
    argv: ['pdsh', '-S', '-R', 'ssh', '-f', '256', '-w', nodeset(n), 'true'],
    env: { PDSH_SSH_ARGS_APPEND: `-F ${ctx.sshConfig}` },
    cwd: ctx.cwd,
    timeoutMs: ctx.timeoutMs,
  }),
  check: (r) => exitZeroAndQuiet(r),
};

// pdsh -S and clush --maxrc both fold the hosts' statuses into their own exit code; a clean
// run exits 0 and prints nothing on stderr.
function exitZeroAndQuiet(r: Parameters<ColdTool['check']>[0]): string | undefined {
  const c = common(r);
  if (c) {
    return c;
  }
  if (r.code !== 0) {
    return `exit ${r.code}: ${firstLine(r.stderr)}`;
  }
  if (r.stderr.trim()) {
    return `stderr: ${firstLine(r.stderr)}`;
  }
  return undefined;
}

export const pssh: ColdTool = {
  name: 'pssh',
  peer: true,
  spec: (n, ctx) => ({
    argv: [
      'parallel-ssh',
      '-h',
      ctx.hostsFile(n),
      '-p',
      '256',
      '-t',
      '60',
      '-x',
      `-F ${ctx.sshConfig}`,
      'true',
    ],
    cwd: ctx.cwd,
    timeoutMs: ctx.timeoutMs,
  }),
  // pssh prints one `[i] time [SUCCESS] host` line per host that exited 0.
  check: (r, n) => {
    const c = common(r);
    if (c) {
      return c;
    }
    const ok = r.stdout.split('\n').filter((l) => / \[SUCCESS\] cloud\d+/.test(l)).length;
    if (r.code !== 0 || ok !== n) {
      return `exit ${r.code}, ${ok}/${n} [SUCCESS]: ${firstLine(
        r.stdout
          .split('\n')
          .filter((l) => l.includes('[FAILURE]'))
          .join('\n'),
      )}`;
    }
    return undefined;
  },
};

export const clush: ColdTool = {
  name: 'clush',
  peer: true,
  // --maxrc: exit with the largest remote exit status; by default (clush.conf maxrc: no) clush
  // exits 0 even when hosts fail.
  spec: (n, ctx) => ({
    argv: ['clush', '--maxrc', '-w', nodeset(n), '-f', '256', '-o', `-F ${ctx.sshConfig}`, 'true'],
    cwd: ctx.cwd,
    timeoutMs: ctx.timeoutMs,
  }),
  check: (r) => exitZeroAndQuiet(r),
};

export const ansible: ColdTool = {
  name: 'ansible',
  peer: true,
  optional: 'ansible',
  // `ansible -m raw`: no Python on the hosts, one ssh per host. ANSIBLE_SSH_ARGS replaces
  // Ansible's default ControlMaster/ControlPersist arguments, so every run is cold like the others,
  // through the same ssh_config (same keys, known_hosts and kex). The hosts file is an inventory.
  spec: (n, ctx) => ({
    argv: ['ansible', 'all', '-i', ctx.hostsFile(n), '-m', 'raw', '-a', 'true', '-f', String(n)],
    env: {
      ANSIBLE_SSH_ARGS: `-F ${ctx.sshConfig}`,
      ANSIBLE_HOME: join(ctx.cwd, '.ansible'),
      ANSIBLE_LOCAL_TEMP: join(ctx.cwd, '.ansible-tmp'),
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_STDOUT_CALLBACK: 'minimal',
    },
    cwd: ctx.cwd,
    timeoutMs: ctx.timeoutMs,
  }),
  // One `host | CHANGED | rc=0 >>` line per host that ran the command.
  check: (r, n) => {
    const c = common(r);
    if (c) {
      return c;
    }
    const ok = r.stdout.split('\n').filter((l) => /^cloud\d+ \| CHANGED \| rc=0/.test(l)).length;
    if (r.code !== 0 || ok !== n) {
      return `exit ${r.code}, ${ok}/${n} rc=0: ${firstLine(
        r.stdout
          .split('\n')
          .filter((l) => /UNREACHABLE|FAILED/.test(l))
          .join('\n') || r.stderr,
      )}`;
    }
    return undefined;
  },
};

export const COLD_TOOLS: readonly ColdTool[] = [salvoCold, sshLoop, pdsh, pssh, clush, ansible];
