// ssh, tinc and backup settings: defaults filled in, `~` expanded, relative paths resolved
// from the services file's directory (so the file means the same from any working directory).
import { isAbsolute, join, resolve } from 'node:path';
import type { z } from 'zod';
import { fileExists, report, type Ctx } from '../context.js';
import { expandIn, type Scope } from '../expand.js';
import type { backupSchema, sshSchema, tincSchema } from '../schema/index.js';
import type { BackupSettings, HostSpec, SshSettings, TincSettings } from '../types.js';

const TINC_PORT = 655; // tinc's registered port, when the ports block has no `tinc`

/** `~/x` → $HOME/x; `conf/x` → <services dir>/conf/x; absolute paths stay. */
export function resolvePath(p: string, ctx: Ctx): string {
  if (p === '~' || p.startsWith('~/')) {
    return join(ctx.home, p.slice(1));
  }
  return isAbsolute(p) ? p : resolve(ctx.dir, p);
}

export function normalizeSsh(ssh: z.output<typeof sshSchema>, ctx: Ctx): SshSettings {
  const out: SshSettings = {
    user: ssh.user,
    knownHosts: [ssh.known_hosts].flat().map((p) => resolvePath(p, ctx)),
    concurrency: ssh.concurrency,
    connectTimeoutMs: Math.round(ssh.connect_timeout * 1000),
    channelsPerConnection: ssh.channels_per_connection,
  };
  if (ssh.max_output !== undefined) {
    out.maxOutput = ssh.max_output;
  }
  if (ssh.identity !== undefined) {
    out.identity = resolvePath(ssh.identity, ctx);
  }
  const config = ssh.config === null ? null : sshConfig(ssh.config, ctx);
  if (config !== undefined) {
    out.config = config;
  }
  return out;
}

/** Absent: ~/.ssh/config when there is one. null: read none. A path given must exist. */
function sshConfig(config: string | null | undefined, ctx: Ctx): string | undefined {
  if (config === null) {
    return undefined;
  }
  if (config === undefined) {
    const fallback = join(ctx.home, '.ssh', 'config');
    return fileExists(ctx, fallback) ? fallback : undefined;
  }
  const file = resolvePath(config, ctx);
  if (!fileExists(ctx, file)) {
    report(ctx, ['ssh', 'config'], `no such file: ${file} (use null to read no ssh_config)`);
  }
  return file;
}

interface TincInputs {
  ctx: Ctx;
  scope: Scope;
  hosts: Map<string, HostSpec>;
  ports: Record<string, number | number[]> | null;
  deployment?: string;
}

export function normalizeTinc(
  tinc: z.output<typeof tincSchema>,
  { ctx, scope, hosts, ports, deployment }: TincInputs,
): TincSettings {
  const connectTo =
    tinc.connect_to === 'all'
      ? 'all'
      : (expandIn(ctx, tinc.connect_to, ['tinc', 'connect_to'], 'value', scope) ?? []);
  return {
    netname: tinc.netname ?? deployment ?? 'salvo',
    connectTo,
    port: tincPort(ports, ctx),
    hosts: [...hosts.values()].filter((h) => h.vpn !== undefined).map((h) => h.name),
  };
}

function tincPort(ports: Record<string, number | number[]> | null, ctx: Ctx): number {
  const port = ports?.tinc;
  if (Array.isArray(port)) {
    report(ctx, ['ports', 'tinc'], 'tinc listens on one port; give a single number');
  }
  return typeof port === 'number' ? port : TINC_PORT;
}

export function normalizeBackup(backup: z.output<typeof backupSchema>, ctx: Ctx): BackupSettings {
  return { rules: resolvePath(backup.rules, ctx) };
}
