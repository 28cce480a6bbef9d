// Where and how to reach a host: the services file's explicit values, then ~/.ssh/config, then
// defaults. Host blocks are matched against the inventory name, as `ssh cloud3` would.
import { access } from 'node:fs/promises';
import { ConfigError } from '../../errors.js';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
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
import { connectionOptions, refuseUnsupported, settingError } from './options.js';
import type { SshTarget } from '../types.js';

export { clearSshConfigCache, readSshConfig, type SshConfig } from './file.js';

export interface SshTargetInput {
  name: string; // inventory name: what Host patterns are matched against
  address?: string; // services file, given for this host: wins over HostName (as `ssh HOSTNAME`)
  port?: number; // services file, given for this host: wins over Port (as `ssh -p`)
  user?: string; // services file, given for this host: wins over User (as `ssh -l`)
  /** Command line (`salvo exec -l USER`): wins over everything, for the target only (not hops). */
  userOverride?: string;
  identity?: string; // services file: tried first, then IdentityFile lines (as `ssh -i`)
  knownHosts: string[]; // Salvo's files; OpenSSH's known_hosts files are added after them
  configFile?: string | null; // default ~/.ssh/config; null: read none (nor ~/.ssh/known_hosts)
  connectTimeoutMs: number; // used unless ConnectTimeout says otherwise
  defaultUser: string; // services file ssh.user: when neither the host nor User says
}

const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];
const DEFAULT_USER_KNOWN_HOSTS = ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'];
const DEFAULT_GLOBAL_KNOWN_HOSTS = ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];
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
  /** OpenSSH's own files count (~/.ssh/config is read): its known_hosts defaults apply. */
  openSsh: boolean;
}

export async function resolveSshTarget(input: SshTargetInput): Promise<SshTarget> {
  const home = homedir();
  const openSsh = input.configFile !== null;
  const config = openSsh
    ? await readSshConfig(input.configFile ?? join(home, '.ssh', 'config'), home)
    : { items: [], notes: [] };
  const explicit: Explicit = {
    name: input.name,
    ...(input.address !== undefined ? { address: input.address } : {}),
    ...(input.port !== undefined ? { port: input.port } : {}),
    ...((input.userOverride ?? input.user) !== undefined
      ? { user: input.userOverride ?? input.user }
      : {}),
    ...(input.identity !== undefined ? { identity: input.identity } : {}),
  };
  return resolveHost({ config, input, home, openSsh }, explicit, undefined, []);
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
  const local = localUser();
  const settings = lookupHost(env.config, explicit.name, {
    defaultUser: explicit.user ?? env.input.defaultUser,
    localUser: local,
  });
  refuseUnsupported(settings);
  // ssh lowercases the host it dials once the config is read.
  const hostname = (
    explicit.address ??
    hostNameFrom(settings, explicit.name) ??
    explicit.name
  ).toLowerCase();
  const port = explicit.port ?? portFrom(settings) ?? 22;
  const user = explicit.user ?? firstSetting(settings, 'user')?.values[0] ?? env.input.defaultUser;
  const ctx: TokenContext = {
    home: env.home,
    localUser: local,
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
    knownHostsFiles: knownHostsFor(env, settings, ctx),
    connectTimeoutMs: timeoutFrom(settings) ?? env.input.connectTimeoutMs,
  };
  Object.assign(target, connectionOptions(settings));
  const proxyCommand = firstSetting(settings, 'proxycommand');
  const proxyJump = firstSetting(settings, 'proxyjump');
  // ProxyCommand and ProxyJump set the same thing in ssh: the first one read wins (`none` too).
  const commandFirst =
    proxyCommand !== undefined && (proxyJump === undefined || proxyCommand.order < proxyJump.order);
  if (jumps === undefined && commandFirst) {
    const text = proxyCommand.values.join(' ');
    if (text.trim().toLowerCase() !== 'none') {
      target.proxyCommand = expandTokens(text, ctx, proxyCommand);
    }
    return target;
  }
  const proxy = await resolveChain(
    env,
    jumps ?? jumpsFrom(commandFirst ? undefined : proxyJump, settings, ctx),
    [...chain, explicit.name],
  );
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
  // The services file's identity is the deployment's key: offered to jump hosts too.
  const explicit: Explicit = {
    name: last.host,
    ...(last.port !== undefined ? { port: last.port } : {}),
    ...(last.user !== undefined ? { user: last.user } : {}),
    ...(env.input.identity !== undefined ? { identity: env.input.identity } : {}),
  };
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

function jumpsFrom(s: Setting | undefined, _settings: HostSettings, ctx: TokenContext): Jumps {
  if (s === undefined) {
    return { hops: [], origin: { file: '', line: 0 } };
  }
  return { hops: parseProxyJump(expandTokens(s.values.join(' '), ctx, s), s), origin: s };
}

/** The services file's identity first (as `ssh -i`), then IdentityFile lines whose file exists
 * (ssh skips missing ones); the default keys that exist when neither names one. */
async function identitiesFor(
  explicit: Explicit,
  settings: HostSettings,
  ctx: TokenContext,
): Promise<string[]> {
  const given =
    explicit.identity === undefined
      ? []
      : [
          expandPath(explicit.identity, ctx, {
            values: [],
            file: '(services file)',
            line: 1,
            order: 0,
          }),
        ];
  const configured = settings.get('identityfile') ?? [];
  const fromConfig = configured.flatMap((s) =>
    s.values.filter((v) => v.toLowerCase() !== 'none').map((v) => expandPath(v, ctx, s)),
  );
  const candidates =
    given.length + configured.length > 0
      ? [...given, ...fromConfig]
      : DEFAULT_IDENTITIES.map((n) => join(ctx.home, '.ssh', n));
  const exists = await Promise.all(
    candidates.map((f) =>
      access(f).then(
        () => true,
        () => false,
      ),
    ),
  );
  // The services file's identity is kept even if missing: auth then says it could not read it.
  return [...new Set(candidates.filter((f, i) => exists[i] || given.includes(f)))];
}

/**
 * Salvo's files, then (when OpenSSH's config is read) UserKnownHostsFile and GlobalKnownHostsFile,
 * or their defaults ~/.ssh/known_hosts{,2} and /etc/ssh/ssh_known_hosts{,2}, as ssh reads them.
 */
function knownHostsFor(env: Env, settings: HostSettings, ctx: TokenContext): string[] {
  const files = (param: string, defaults: string[]): string[] => {
    const s = firstSetting(settings, param);
    if (s === undefined) {
      return env.openSsh
        ? defaults.map((v) => expandPath(v, ctx, { values: [], file: '', line: 0, order: 0 }))
        : [];
    }
    return s.values.filter((v) => v.toLowerCase() !== 'none').map((v) => expandPath(v, ctx, s));
  };
  return [
    ...new Set([
      ...env.input.knownHosts,
      ...files('userknownhostsfile', DEFAULT_USER_KNOWN_HOSTS),
      ...files('globalknownhostsfile', DEFAULT_GLOBAL_KNOWN_HOSTS),
    ]),
  ];
}

function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? '';
  }
}
