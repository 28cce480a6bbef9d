// Where and how to reach a host: the services file's explicit values, then ~/.ssh/config, then
// defaults. Host blocks are matched against the inventory name, as `ssh cloud3` would.
import { access } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../errors.js';
import { parseProxyJump, parsePortNumber, type JumpHop, type Origin } from './proxy-jump.js';
import {
  expandPath,
  expandTokens,
  firstSetting,
  lookupHost,
  type HostSettings,
  type Setting,
  type TokenContext,
} from './evaluate.js';
import { readSshConfig, type SshConfig } from './file.js';
import type { SshTarget } from '../types.js';

export { clearSshConfigCache, readSshConfig, type SshConfig } from './file.js';

export interface SshTargetInput {
  name: string; // inventory name: what Host patterns are matched against
  address?: string; // services file: wins over HostName
  port?: number; // services file: wins over Port
  user?: string; // services file: wins over User
  identity?: string; // services file: replaces IdentityFile (`~/` allowed)
  knownHosts: string[]; // Salvo's files; UserKnownHostsFile entries are added after them
  configFile?: string | null; // default ~/.ssh/config; null: read none
  connectTimeoutMs: number; // used unless ConnectTimeout says otherwise
  defaultUser: string; // when neither the services file nor User says
}

const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];
const MAX_HOPS = 8;

/** What the services file pins for one host (or what a ProxyJump hop spells out). */
interface Explicit {
  name: string;
  address?: string;
  port?: number;
  user?: string;
  identity?: string;
}

/** Hops to go through, and the ProxyJump line that named them (for errors). */
interface Jumps {
  hops: JumpHop[];
  origin: Origin;
}

interface Env {
  config: SshConfig;
  input: SshTargetInput;
  home: string;
}

export async function resolveSshTarget(input: SshTargetInput): Promise<SshTarget> {
  const home = homedir();
  const config =
    input.configFile === null
      ? { items: [], notes: [] }
      : await readSshConfig(input.configFile ?? join(home, '.ssh', 'config'), home);
  return resolveHost({ config, input, home }, input, undefined, []);
}

/**
 * `jumps` overrides the host's own ProxyJump: for `ProxyJump a,b` the target goes through b, and
 * b through a whatever b's config says (ssh runs `ssh -J a b`); a then follows its own config.
 */
async function resolveHost(
  env: Env,
  explicit: Explicit,
  jumps: Jumps | undefined,
  chain: string[],
): Promise<SshTarget> {
  const settings = lookupHost(env.config, explicit.name);
  const hostname = explicit.address ?? hostNameFrom(settings, explicit.name) ?? explicit.name;
  const port = explicit.port ?? portFrom(settings) ?? 22;
  const user = explicit.user ?? firstSetting(settings, 'user')?.values[0] ?? env.input.defaultUser;
  const ctx: TokenContext = {
    home: env.home,
    localUser: localUser(),
    remoteUser: user,
    host: hostname,
    originalHost: explicit.name,
    port,
  };
  const target: SshTarget = {
    name: explicit.name,
    hostname,
    port,
    user,
    identityFiles: await identitiesFor(explicit, settings, ctx),
    knownHostsFiles: knownHostsFor(env.input.knownHosts, settings, ctx),
    connectTimeoutMs: timeoutFrom(settings) ?? env.input.connectTimeoutMs,
  };
  const proxy = await resolveChain(env, jumps ?? jumpsFrom(settings, ctx), [
    ...chain,
    explicit.name,
  ]);
  if (proxy !== undefined) {
    target.proxyJump = proxy;
  }
  return target;
}

async function resolveChain(
  env: Env,
  jumps: Jumps,
  chain: string[],
): Promise<SshTarget | undefined> {
  const { hops, origin } = jumps;
  const last = hops.at(-1);
  // `Host *` with a ProxyJump also matches the jump host itself; ssh ignores a jump to oneself.
  if (last === undefined || (hops.length === 1 && sameHost(last.host, chain.at(-1)))) {
    return undefined;
  }
  const loop = chain.some((c) => sameHost(c, last.host));
  if (loop || chain.length > MAX_HOPS) {
    const why = loop ? 'ProxyJump loop' : `ProxyJump chain longer than ${MAX_HOPS} hops`;
    const message = `${why}: ${[...chain, last.host].join(' -> ')}`;
    throw new ConfigError([{ file: origin.file, line: origin.line, col: 1, message }]);
  }
  const explicit: Explicit = { name: last.host, port: last.port, user: last.user };
  const before = hops.slice(0, -1);
  return resolveHost(
    env,
    explicit,
    before.length > 0 ? { hops: before, origin } : undefined,
    chain,
  );
}

function sameHost(a: string, b: string | undefined): boolean {
  return a.toLowerCase() === b?.toLowerCase();
}

function hostNameFrom(settings: HostSettings, name: string): string | undefined {
  const s = firstSetting(settings, 'hostname');
  const value = s?.values[0];
  if (s === undefined || value === undefined) {
    return undefined;
  }
  // HostName takes %h (the name as given) and %%, e.g. `HostName %h.lab.example`.
  return expandTokens(
    value,
    { home: '', localUser: '', remoteUser: '', host: name, originalHost: name, port: 0 },
    s,
  );
}

function portFrom(settings: HostSettings): number | undefined {
  const s = firstSetting(settings, 'port');
  if (s === undefined) {
    return undefined;
  }
  const port = parsePortNumber(s.values[0] ?? '');
  if (port === null) {
    throw settingError(s, `Port ${s.values.join(' ')} is not a port number`);
  }
  return port;
}

function timeoutFrom(settings: HostSettings): number | undefined {
  const s = firstSetting(settings, 'connecttimeout');
  if (s === undefined) {
    return undefined;
  }
  const text = s.values[0] ?? '';
  if (!/^\d+$/.test(text) || Number(text) === 0) {
    throw settingError(s, `ConnectTimeout ${text} is not a number of seconds`);
  }
  return Number(text) * 1000;
}

function jumpsFrom(settings: HostSettings, ctx: TokenContext): Jumps {
  const s = firstSetting(settings, 'proxyjump');
  if (s === undefined) {
    return { hops: [], origin: { file: '', line: 0 } };
  }
  return { hops: parseProxyJump(expandTokens(s.values.join(' '), ctx, s), s), origin: s };
}

/** The services file's identity alone; else IdentityFile lines whose file exists (as ssh skips
 * missing ones); else the default keys that exist. */
async function identitiesFor(
  explicit: Explicit,
  settings: HostSettings,
  ctx: TokenContext,
): Promise<string[]> {
  if (explicit.identity !== undefined) {
    return [expandPath(explicit.identity, ctx, { values: [], file: '(services file)', line: 1 })];
  }
  const configured = settings.get('identityfile') ?? [];
  const candidates =
    configured.length > 0
      ? configured.flatMap((s) => s.values.map((v) => expandPath(v, ctx, s)))
      : DEFAULT_IDENTITIES.map((n) => join(ctx.home, '.ssh', n));
  const exists = await Promise.all(
    candidates.map((f) =>
      access(f).then(
        () => true,
        () => false,
      ),
    ),
  );
  return [...new Set(candidates.filter((_, i) => exists[i]))];
}

function knownHostsFor(salvoFiles: string[], settings: HostSettings, ctx: TokenContext): string[] {
  const s = firstSetting(settings, 'userknownhostsfile');
  const fromConfig =
    s === undefined
      ? []
      : s.values.filter((v) => v.toLowerCase() !== 'none').map((v) => expandPath(v, ctx, s));
  return [...new Set([...salvoFiles, ...fromConfig])];
}

function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? '';
  }
}

function settingError(s: Setting, message: string): ConfigError {
  return new ConfigError([
    { file: s.file, line: s.line, col: 1, message: `ssh_config: ${message}` },
  ]);
}
