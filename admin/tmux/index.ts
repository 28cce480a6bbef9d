// A tmux session with one pane per host, each logged in through the deployment's OpenSSH config:
// synchronized input (type once, every host gets it), tiled after every split (so a split never
// fails for want of room), a new window past `maxPanes`, optional per-pane logs. The old tool's
// operators kept personal tmuxlogin scripts for this.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AdminError, UsageError } from '../errors.js';
import { quote } from '../transport/command.js';

export interface TmuxOptions {
  /** The ssh_config the panes log in with (`ssh -F CONFIG HOST`). */
  sshConfig: string;
  /** Panes per window before a new window opens (default 16). */
  maxPanes?: number;
  /** Append each pane's output to DIR/HOST.log. */
  logDir?: string;
  /** Run this on each host instead of a login shell. */
  command?: string;
  /** Session name (default salvo-DEPLOYMENT, with -2, -3 … when taken). */
  session?: string;
  /** The tmux binary (default tmux on PATH). */
  tmux?: string;
}

export interface TmuxSession {
  session: string;
  windows: { id: string; hosts: string[] }[];
  /** Pane id (`%12`) of each host. */
  panes: Record<string, string>;
}

const DEFAULT_MAX_PANES = 16;

/** Hosts split into windows of at most `maxPanes`. Pure. */
export function windowsOf(hosts: readonly string[], maxPanes = DEFAULT_MAX_PANES): string[][] {
  if (!Number.isInteger(maxPanes) || maxPanes < 1) {
    throw new UsageError(`--max-panes: expected a positive integer, got ${maxPanes}`);
  }
  const out: string[][] = [];
  for (let i = 0; i < hosts.length; i += maxPanes) {
    out.push(hosts.slice(i, i + maxPanes));
  }
  return out;
}

/** The shell command of one pane. Pure. */
export function paneCommand(host: string, o: Pick<TmuxOptions, 'sshConfig' | 'command'>): string {
  return ['ssh', '-F', o.sshConfig, '-t', host, ...(o.command ? [o.command] : [])]
    .map(quote)
    .join(' ');
}

export function openTmuxSession(
  deployment: string,
  hosts: readonly string[],
  o: TmuxOptions,
): TmuxSession {
  if (!hosts.length) {
    throw new UsageError('tmux: the node set names no host');
  }
  const bin = o.tmux ?? 'tmux';
  const tmux = (...args: string[]): string => {
    try {
      return execFileSync(bin, args, {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }).trim();
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: string };
      if (e.code === 'ENOENT') {
        throw new AdminError('tmux is not installed (Debian: apt-get install tmux)');
      }
      throw new AdminError(`tmux ${args[0]}: ${e.stderr?.trim() || e.message}`);
    }
  };
  const session = o.session ?? freeName(`salvo-${deployment}`, (name) => hasSession(bin, name));
  const logDir = o.logDir ? resolve(o.logDir) : undefined;
  if (logDir) {
    mkdirSync(logDir, { recursive: true, mode: 0o700 });
  }
  const result: TmuxSession = { session, windows: [], panes: {} };
  windowsOf(hosts, o.maxPanes).forEach((group, w) => {
    let window = '';
    let previous = '';
    group.forEach((host, i) => {
      const cmd = paneCommand(host, o);
      let pane: string;
      if (i === 0 && w === 0) {
        [window, pane] = tmux(
          'new-session',
          '-d',
          '-P',
          '-F',
          '#{window_id} #{pane_id}',
          '-s',
          session,
          '-x',
          '200',
          '-y',
          '50',
          cmd,
        ).split(' ') as [string, string];
        tmux('set-option', '-t', session, 'remain-on-exit', 'on');
        tmux('set-option', '-t', session, 'pane-border-status', 'top');
        tmux('set-option', '-t', session, 'pane-border-format', ' #{pane_title} ');
      } else if (i === 0) {
        [window, pane] = tmux(
          'new-window',
          '-d',
          '-P',
          '-F',
          '#{window_id} #{pane_id}',
          '-t',
          `${session}:`,
          cmd,
        ).split(' ') as [string, string];
      } else {
        // Split the newest pane: panes then stay in node-set order.
        pane = tmux('split-window', '-d', '-P', '-F', '#{pane_id}', '-t', previous, cmd);
        // Re-tile after every split: the next split then always has room.
        tmux('select-layout', '-t', window, 'tiled');
      }
      tmux('select-pane', '-t', pane, '-T', host);
      if (logDir) {
        tmux('pipe-pane', '-o', '-t', pane, `cat >> ${quote(join(logDir, `${host}.log`))}`);
      }
      result.panes[host] = pane;
      previous = pane;
    });
    tmux('select-layout', '-t', window, 'tiled');
    tmux('set-window-option', '-t', window, 'synchronize-panes', 'on');
    result.windows.push({ id: window, hosts: group });
  });
  return result;
}

function hasSession(bin: string, name: string): boolean {
  try {
    execFileSync(bin, ['has-session', '-t', `=${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function freeName(base: string, taken: (name: string) => boolean): string {
  if (!taken(base)) {
    return base;
  }
  for (let n = 2; ; n++) {
    if (!taken(`${base}-${n}`)) {
      return `${base}-${n}`;
    }
  }
}
