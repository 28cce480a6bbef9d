// The `monitor:` section → MonitorSettings: defaults filled in, node sets expanded, every service
// it names checked against the services section (located, with a did-you-mean).
import { join } from 'node:path';
import type { z } from 'zod';
import { report, type Ctx } from '../context.js';
import { expandIn, type Scope } from '../expand.js';
import { didYouMean } from '../rules/did-you-mean.js';
import type { MonitorSchema } from '../schema/index.js';
import { resolvePath } from './settings.js';
import type { MonitorSettings, Threshold } from '../types.js';

interface MonitorInputs {
  ctx: Ctx;
  scope: Scope;
  services: string[]; // every key under services
  deployment?: string;
  hasBackup?: boolean; // the file has a backup section (backup freshness needs its rules)
}

/** Kinds that have a progress check, and which keys each reads. */
const PROGRESS: Record<string, { keys: string[]; needs?: string }> = {
  snap: { keys: ['snapshots', 'max_age'], needs: 'snapshots' },
  hub: { keys: ['stalled_scans'] },
  cassandra: { keys: ['pending_compactions'] },
};

const t = (v: Threshold | undefined, warning: number, critical: number): Threshold =>
  v ?? { warning, critical };

export function normalizeMonitor(
  m: z.output<MonitorSchema>,
  { ctx, scope, services, deployment, hasBackup }: MonitorInputs,
): MonitorSettings {
  const named = (service: string, path: (string | number)[], part: 'key' | 'value'): boolean => {
    if (services.includes(service)) {
      return true;
    }
    report(
      ctx,
      path,
      `no service \`${service}\` in this file${didYouMean(service, services)}`,
      part,
    );
    return false;
  };
  const liveness = (m.liveness ?? services).filter((s, i) =>
    m.liveness ? named(s, ['monitor', 'liveness', i], 'value') : true,
  );
  const progress: MonitorSettings['progress'] = {};
  for (const [service, p] of Object.entries(m.progress ?? {})) {
    const path = ['monitor', 'progress', service];
    const kind = PROGRESS[service];
    if (!kind) {
      report(
        ctx,
        path,
        `no progress check for \`${service}\`${didYouMean(service, Object.keys(PROGRESS))}: there are ${Object.keys(PROGRESS).join(', ')}`,
        'key',
      );
      continue;
    }
    if (!named(service, path, 'key')) {
      continue;
    }
    for (const key of Object.keys(p)) {
      if (!kind.keys.includes(key)) {
        report(
          ctx,
          [...path, key],
          `not a setting of the ${service} progress check (${kind.keys.join(', ')})`,
          'key',
        );
      }
    }
    if (service === 'hub') {
      progress.hub = { stalledScans: t(p.stalled_scans, 1, 2) };
      continue;
    }
    if (service === 'cassandra') {
      progress.cassandra = { pendingCompactions: t(p.pending_compactions, 20, 100) };
      continue;
    }
    if (!p.snapshots) {
      report(
        ctx,
        path,
        'needs `snapshots:` (the directory the snap server writes snapshots into)',
        'key',
      );
      continue;
    }
    progress.snap = { snapshots: p.snapshots, maxAge: t(p.max_age, 600, 1800) };
  }
  if (m.backups !== false && !hasBackup) {
    report(
      ctx,
      ['monitor', 'backups'],
      'backup freshness needs a `backup:` section (the rules name each series and its max_age)',
      'key',
    );
  }
  const heal: MonitorSettings['heal'] = {};
  for (const [service, h] of Object.entries(m.heal ?? {})) {
    if (named(service, ['monitor', 'heal', service], 'key')) {
      heal[service] = { restarts: h?.restarts ?? 3, within: h?.within ?? 5 };
    }
  }
  const out: MonitorSettings = {
    intervalMs: Math.round(m.interval * 1000),
    liveness,
    progress,
    mesh: m.mesh,
    ...(m.backups === false
      ? {}
      : { backups: m.backups === true ? t(undefined, 1, 2) : m.backups }),
    heal,
    alerts: {
      ...(m.alerts?.command ? { command: m.alerts.command } : {}),
      ...(m.alerts?.email ? { email: m.alerts.email } : {}),
    },
    history: (() => {
      const file = typeof m.history === 'string' ? m.history : m.history?.file;
      return file
        ? resolvePath(file, ctx)
        : join(ctx.dir, '.salvo', 'monitor', `${deployment ?? 'salvo'}.jsonl`);
    })(),
  };
  if (m.history && typeof m.history === 'object') {
    const c = m.history.cassandra;
    if (named('cassandra', ['monitor', 'history', 'cassandra'], 'key')) {
      out.historyCassandra = { user: c.user, ...(c.keyspace ? { keyspace: c.keyspace } : {}) };
    }
  }
  if (m.resources) {
    const r = m.resources;
    const hosts =
      r.hosts === undefined
        ? [...(scope.hosts ?? [])]
        : (expandIn(ctx, r.hosts, ['monitor', 'resources', 'hosts'], 'value', scope) ?? []);
    out.resources = {
      hosts,
      load: t(r.load, 2, 4),
      disk: t(r.disk, 85, 95),
      inodes: t(r.inodes, 85, 95),
      memory: t(r.memory, 90, 97),
      clock: t(r.clock, 2, 10),
      ...(r.mounts ? { mounts: r.mounts } : {}),
    };
  }
  return out;
}
