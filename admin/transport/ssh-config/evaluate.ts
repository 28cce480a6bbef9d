// What ~/.ssh/config says for one host: ssh's "first value wins" (IdentityFile and friends
// accumulate), and the ~ and %-token expansion of paths.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../errors.js';
import { matchPatternList } from './host-pattern.js';
import type { ConfigItem, MatchCriterion, SshConfig } from './file.js';

/** One directive's value and where it came from, for error messages. */
export interface Setting {
  values: string[];
  file: string;
  line: number;
  order: number; // position among the host's settings: which of two exclusive ones came first
}

export type HostSettings = Map<string, Setting[]>;

// Directives ssh collects from every matching block instead of keeping the first.
const ACCUMULATE = new Set([
  'identityfile',
  'certificatefile',
  'localforward',
  'remoteforward',
  'dynamicforward',
  'sendenv',
]);

/** What `Match user` / `Match localuser` compare against when nothing has set User yet. */
export interface MatchContext {
  defaultUser: string;
  localUser: string;
}

/**
 * Settings for `host` (matched as typed: an inventory name or a ProxyJump hop, lowercased), in
 * one pass as ssh's first pass: a `Match host` sees the HostName set so far, `Match user` the
 * User set so far (else the default).
 */
export function lookupHost(
  config: SshConfig,
  host: string,
  match: MatchContext = { defaultUser: '', localUser: '' },
): HostSettings {
  const out: HostSettings = new Map();
  let order = 0;
  for (const item of config.items) {
    if (!applies(item, host, out, match)) {
      continue;
    }
    const setting = { values: item.values, file: item.file, line: item.line, order: order++ };
    const have = out.get(item.param);
    if (have === undefined) {
      out.set(item.param, [setting]);
    } else if (ACCUMULATE.has(item.param)) {
      have.push(setting);
    }
  }
  return out;
}

function applies(
  item: ConfigItem,
  host: string,
  sofar: HostSettings,
  match: MatchContext,
): boolean {
  return item.when.every((c) =>
    c.kind === 'host'
      ? matchPatternList(host, c.patterns, true) // ssh's Host lines are case-sensitive
      : c.criteria.every((k) => criterionHolds(k, host, sofar, match) !== k.negate),
  );
}

function criterionHolds(
  k: MatchCriterion,
  host: string,
  sofar: HostSettings,
  match: MatchContext,
): boolean {
  switch (k.name) {
    case 'all':
    case 'final': // Salvo's one pass stands for ssh's final pass too
      return true;
    case 'canonical': // Salvo never canonicalizes host names
      return false;
    case 'host': {
      const s = sofar.get('hostname')?.[0]?.values[0];
      const hostname = s === undefined ? host : s.replace(/%h/g, host).replace(/%%/g, '%');
      return matchPatternList(hostname, k.patterns);
    }
    case 'originalhost':
      return matchPatternList(host, k.patterns);
    case 'user':
      return matchPatternList(
        sofar.get('user')?.[0]?.values[0] ?? match.defaultUser,
        k.patterns,
        true,
      );
    case 'localuser':
      return matchPatternList(match.localUser, k.patterns, true);
    default:
      return false;
  }
}

/** The first setting of a directive, if any. */
export function firstSetting(settings: HostSettings, param: string): Setting | undefined {
  return settings.get(param)?.[0];
}

export interface TokenContext {
  home: string;
  localUser: string;
  remoteUser: string;
  host: string; // %h: the address after HostName
  originalHost: string; // %n: the name as given
  port: number;
}

/** Expand ssh's %-tokens (the common ones; others are refused, not silently kept). */
export function expandTokens(text: string, ctx: TokenContext, origin: Setting): string {
  return text.replace(/%(.)?/g, (whole, c: string | undefined) => {
    const value = tokenValue(c ?? '', ctx);
    if (value === null) {
      throw tokenError(whole, origin);
    }
    return value;
  });
}

function tokenValue(c: string, ctx: TokenContext): string | null {
  switch (c) {
    case '%':
      return '%';
    case 'd':
      return ctx.home;
    case 'h':
      return ctx.host;
    case 'n':
      return ctx.originalHost;
    case 'p':
      return String(ctx.port);
    case 'r':
      return ctx.remoteUser;
    case 'u':
      return ctx.localUser;
    case 'l':
      return hostname();
    case 'L':
      return hostname().split('.')[0] ?? '';
    case 'i':
      return String(process.getuid?.() ?? '');
    default:
      return null;
  }
}

function tokenError(token: string, origin: Setting): ConfigError {
  const message = `ssh_config: token ${token} is not supported by Salvo (use %%, %d, %h, %i, %l, %L, %n, %p, %r, %u)`;
  return new ConfigError([{ file: origin.file, line: origin.line, col: 1, message }]);
}

/** A path directive: `~/` is the home directory, then tokens. */
export function expandPath(text: string, ctx: TokenContext, origin: Setting): string {
  return expandTokens(expandTilde(text, ctx.home), ctx, origin);
}

function expandTilde(text: string, home: string): string {
  if (text === '~') {
    return home;
  }
  return text.startsWith('~/') ? join(home, text.slice(2)) : text;
}
