// Validation of a parsed rules document: sets, targets, retention, schedule and cron settings,
// every problem an Issue located by the document's Locator.
import type { Issue } from '../../errors.js';
import { expandNodeSet } from '../../inventory/nodeset.js';
import type { Locator, Path } from '../../inventory/positions.js';
import type { Inventory } from '../../inventory/types.js';
import type { BackupRules, BackupSet, CronSettings, Retention } from '../types.js';
import { chooseTargets } from './targets.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const ABS = /^\/[^\0\n]*$/;
const SET_KEYS = new Set([
  'type',
  'hosts',
  'paths',
  'exclude',
  'targets',
  'copies',
  'avoid',
  'root',
  'retention',
  'max_age',
  'schedule',
  'bwlimit',
  'data',
  'keyspaces',
]);
const TOP_KEYS = new Set(['user', 'root', 'cron', 'defaults', 'sets']);
const DEFAULT_RETENTION: Retention = { last: 0, daily: 7, weekly: 4, monthly: 6 };

export const DEFAULT_CRON: CronSettings = {
  file: '/etc/cron.d/salvo-backup',
  script: '/usr/local/sbin/salvo-backup',
  log: '/var/log/salvo-backup.log',
  logMaxBytes: 1 << 20,
};

type Obj = Record<string, unknown>;

export class Validator {
  readonly issues: Issue[] = [];
  constructor(
    private readonly loc: Locator,
    private readonly inv: Inventory,
  ) {}

  problem(path: Path, message: string, part: 'key' | 'value' = 'value'): void {
    const p = this.loc.at(path, part);
    this.issues.push({ file: p.file, line: p.line, col: p.col, message });
  }

  rules(data: unknown): BackupRules {
    const top = this.object(data, [], 'the backup rules');
    this.unknownKeys(top, [], TOP_KEYS);
    const user = top.user === undefined ? this.inv.ssh.user : this.name(top.user, ['user']);
    const root = top.root === undefined ? '/srv/backup' : this.absPath(top.root, ['root']);
    const cron = this.cron(top.cron);
    const defaults = top.defaults === undefined ? {} : this.object(top.defaults, ['defaults']);
    this.unknownKeys(defaults, ['defaults'], SET_KEYS);
    const sets = this.object(top.sets, ['sets'], 'sets (name → rule)');
    const out: BackupSet[] = [];
    for (const [name, raw] of Object.entries(sets)) {
      if (!NAME.test(name)) {
        this.problem(['sets', name], `set name "${name}": use letters, digits, _ . -`, 'key');
        continue;
      }
      const s = this.set(name, { ...defaults, ...this.object(raw, ['sets', name]) }, root);
      if (s) {
        out.push(s);
      }
    }
    if (Object.keys(sets).length === 0) {
      this.problem(['sets'], 'sets: name at least one set');
    }
    return { file: this.loc.file, user, cron, sets: out };
  }

  private cron(raw: unknown): CronSettings {
    if (raw === undefined) {
      return DEFAULT_CRON;
    }
    const c = this.object(raw, ['cron']);
    this.unknownKeys(c, ['cron'], new Set(['file', 'script', 'log', 'log_max_bytes']));
    const path = (k: 'file' | 'script' | 'log'): string =>
      c[k] === undefined ? DEFAULT_CRON[k] : this.absPath(c[k], ['cron', k]);
    return {
      file: path('file'),
      script: path('script'),
      log: path('log'),
      logMaxBytes:
        c.log_max_bytes === undefined
          ? DEFAULT_CRON.logMaxBytes
          : this.count(c.log_max_bytes, ['cron', 'log_max_bytes'], 1024),
    };
  }

  private set(name: string, o: Obj, root: string): BackupSet | undefined {
    const at = (k: string): Path => ['sets', name, k];
    this.unknownKeys(o, ['sets', name], SET_KEYS);
    const before = this.issues.length;
    const type = o.type ?? 'files';
    if (type !== 'files' && type !== 'cassandra') {
      this.problem(at('type'), `type: expected files or cassandra, got ${JSON.stringify(type)}`);
    }
    const sources = this.hosts(o.hosts, at('hosts'));
    const targetHosts = o.targets === undefined ? sources : this.hosts(o.targets, at('targets'));
    let paths: string[] = [];
    let cassandra: BackupSet['cassandra'];
    if (type === 'cassandra') {
      cassandra = this.cassandra(o, at, sources);
    } else {
      for (const k of ['data', 'keyspaces']) {
        if (o[k] !== undefined) {
          this.problem(at(k), `${k}: only for a set of type cassandra`, 'key');
        }
      }
      paths = this.list(o.paths, at('paths')).map((p, i) => this.absPath(p, [...at('paths'), i]));
    }
    const exclude = o.exclude === undefined ? [] : this.list(o.exclude, at('exclude')).map(String);
    const copies = o.copies === undefined ? 1 : this.count(o.copies, at('copies'), 1);
    const avoid = o.avoid ?? 'host';
    if (avoid !== 'host' && avoid !== 'none') {
      this.problem(at('avoid'), `avoid: expected host or none, got ${JSON.stringify(avoid)}`);
    }
    const setRoot = o.root === undefined ? root : this.absPath(o.root, at('root'));
    const retention = this.retention(o.retention, at('retention'));
    const maxAgeMs =
      o.max_age === undefined ? 26 * 3_600_000 : this.duration(o.max_age, at('max_age'));
    const schedule =
      o.schedule === undefined ? '17 3 * * *' : this.schedule(o.schedule, at('schedule'));
    const bwlimit = o.bwlimit === undefined ? '' : String(o.bwlimit);
    if (bwlimit && !/^\d+(\.\d+)?[KMGkmg]?$/.test(bwlimit)) {
      this.problem(
        at('bwlimit'),
        `bwlimit: expected a rate like 5000 (KiB/s) or 10M, got "${bwlimit}"`,
      );
    }
    if (this.issues.length > before) {
      return undefined;
    }
    const set: BackupSet = {
      name,
      type: type as BackupSet['type'],
      sources,
      paths,
      ...(cassandra ? { cassandra } : {}),
      exclude,
      targetHosts,
      copies,
      avoid: avoid as 'host' | 'none',
      root: setRoot,
      retention,
      maxAgeMs,
      schedule,
      bwlimit,
      pos: this.loc.at(['sets', name], 'key'),
    };
    for (const source of sources) {
      const got = chooseTargets(set, source, this.inv).length;
      if (got < copies) {
        this.problem(
          o.targets === undefined ? at('hosts') : at('targets'),
          `${source} needs ${copies} target${copies === 1 ? '' : 's'} other than itself${avoid === 'host' ? ' and its physical host' : ''}; the targets offer ${got}`,
        );
        return undefined;
      }
    }
    return set;
  }

  /** A cassandra set: no paths; its sources run the services file's cassandra service. */
  private cassandra(o: Obj, at: (k: string) => Path, sources: string[]): BackupSet['cassandra'] {
    if (o.paths !== undefined) {
      this.problem(
        at('paths'),
        'paths: a cassandra set backs up the snapshot directories under `data` (no paths)',
        'key',
      );
    }
    const spec = this.inv.services.get('cassandra');
    if (!spec) {
      this.problem(at('type'), 'type cassandra: the services file has no cassandra service');
    } else {
      const other = sources.filter((h) => !spec.hosts.includes(h));
      if (other.length) {
        this.problem(at('hosts'), `not hosts of the cassandra service: ${other.join(', ')}`);
      }
    }
    const dataDir =
      o.data === undefined ? '/var/lib/cassandra/data' : this.absPath(o.data, at('data'));
    const keyspaces =
      o.keyspaces === undefined
        ? []
        : this.list(o.keyspaces, at('keyspaces')).map((k, i) =>
            this.name(k, [...at('keyspaces'), i]),
          );
    return { dataDir, keyspaces };
  }

  private retention(raw: unknown, path: Path): Retention {
    if (raw === undefined) {
      return DEFAULT_RETENTION;
    }
    const r = this.object(raw, path);
    this.unknownKeys(r, path, new Set(['last', 'daily', 'weekly', 'monthly']));
    const n = (k: keyof Retention): number =>
      r[k] === undefined ? 0 : this.count(r[k], [...path, k], 0);
    return { last: n('last'), daily: n('daily'), weekly: n('weekly'), monthly: n('monthly') };
  }

  private hosts(raw: unknown, path: Path): string[] {
    if (typeof raw !== 'string' || raw.trim() === '') {
      this.problem(path, 'expected a node set (`cloud[1-5]`, `@web`)');
      return [];
    }
    try {
      const hosts = expandNodeSet(raw, (g) => this.inv.groups.get(g));
      const unknown = hosts.filter((h) => !this.inv.hosts.has(h));
      if (unknown.length) {
        this.problem(path, `not hosts of the services file: ${unknown.join(', ')}`);
        return [];
      }
      if (!hosts.length) {
        this.problem(path, `"${raw}" names no host`);
      }
      return hosts;
    } catch (err) {
      this.problem(path, (err as Error).message);
      return [];
    }
  }

  private object(raw: unknown, path: Path, what = 'a mapping'): Obj {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      this.problem(path, `expected ${what}`);
      return {};
    }
    return raw as Obj;
  }

  private list(raw: unknown, path: Path): unknown[] {
    if (typeof raw === 'string') {
      return [raw];
    }
    if (!Array.isArray(raw) || raw.length === 0) {
      this.problem(path, 'expected a non-empty list');
      return [];
    }
    return raw;
  }

  private unknownKeys(o: Obj, path: Path, known: Set<string>): void {
    for (const k of Object.keys(o)) {
      if (!known.has(k)) {
        this.problem(
          [...path, k],
          `unknown key "${k}" (expected: ${[...known].join(', ')})`,
          'key',
        );
      }
    }
  }

  private name(raw: unknown, path: Path): string {
    if (typeof raw !== 'string' || !NAME.test(raw)) {
      this.problem(path, 'expected a name (letters, digits, _ . -)');
      return '';
    }
    return raw;
  }

  private absPath(raw: unknown, path: Path): string {
    if (typeof raw !== 'string' || !ABS.test(raw) || raw.split('/').includes('..')) {
      this.problem(path, 'expected an absolute path without ..');
      return '/';
    }
    return raw.length > 1 ? raw.replace(/\/+$/, '') : raw;
  }

  private count(raw: unknown, path: Path, min: number): number {
    if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min) {
      this.problem(path, `expected a whole number ≥ ${min}`);
      return min;
    }
    return raw;
  }

  private duration(raw: unknown, path: Path): number {
    const m = /^(\d+)(m|h|d)$/.exec(String(raw));
    if (!m) {
      this.problem(path, `expected a duration like 90m, 26h or 8d, got ${JSON.stringify(raw)}`);
      return 0;
    }
    return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
  }

  private schedule(raw: unknown, path: Path): string {
    const s = String(raw).trim();
    if (/^@(hourly|daily|weekly|monthly|reboot)$/.test(s)) {
      return s;
    }
    const fields = s.split(/\s+/);
    if (fields.length !== 5 || !fields.every((f) => /^[0-9*,/-]+$/.test(f))) {
      this.problem(
        path,
        `schedule: expected five cron fields ("17 3 * * *") or @daily, got "${s}"`,
      );
    }
    return s;
  }
}
