// What ~/.ssh/config says for one host: ssh's "first value wins" (IdentityFile and friends
// accumulate), and the ~ and %-token expansion of paths.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../errors.js';
import { matchPatternList } from './host-pattern.js';
import type { ConfigItem, SshConfig } from './file.js';

/** One directive's value and where it came from, for error messages. */
export interface Setting {
  values: string[];
  file: string;
  line: number;
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

/** Settings for `host` (matched as typed: an inventory name or a ProxyJump hop, lowercased). */
export function lookupHost(config: SshConfig, host: string): HostSettings {
  const out: HostSettings = new Map();
  for (const item of config.items) {
    if (!applies(item, host)) {
      continue;
    }
    const setting = { values: item.values, file: item.file, line: item.line };
    const have = out.get(item.param);
    if (have === undefined) {
      out.set(item.param, [setting]);
    } else if (ACCUMULATE.has(item.param)) {
      have.push(setting);
    }
  }
  return out;
}

function applies(item: ConfigItem, host: string): boolean {
  return item.when.every((c) => c.kind === 'host' && matchPatternList(host, c.patterns));
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
