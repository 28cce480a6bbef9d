// The `monitor:` section: which checks the fleet monitor runs, their warning and critical
// levels, which units it heals and how often, where alerts go (docs/monitor.md).
// Built on first use, not when the module loads: most services files have no `monitor:`, and its
// ~60 zod schemas were a measurable part of every `salvo check` (bench/startup).
import * as z from 'zod';
import { expecting } from './describe.js';

/** The section's schemas, built once, when first asked for. */
export function monitorSchemas() {
  built ??= build();
  return built;
}

let built: ReturnType<typeof build> | undefined;

/** The `monitor:` section's schema (the type; the value comes from monitorSchemas()). */
export type MonitorSchema = ReturnType<typeof monitorSchemas>['monitorSchema'];

function build() {
  const level = z.number({ error: expecting('a number') }).nonnegative();

  /** warning ≤ critical; a value at or past a level is in that state. */
  const thresholdSchema = z
    .strictObject({
      warning: level.describe('at or past this value: warning'),
      critical: level.describe('at or past this value: critical'),
    })
    .refine((t) => t.warning <= t.critical, {
      error: 'warning must not be above critical',
    });

  const nodeSet = z.string({ error: expecting('a node set (e.g. "cloud[1-7]")') }).min(1);

  const progressSchema = z
    .strictObject({
      snapshots: z
        .string({ error: expecting('a directory (may use {dir}, {instance}, {deployment})') })
        .min(1)
        .optional()
        .describe('snap: the directory each unit writes its snapshots into'),
      max_age: thresholdSchema
        .optional()
        .describe('snap: seconds since the newest snapshot (default warning 600, critical 1800)'),
      stalled_scans: thresholdSchema
        .optional()
        .describe(
          'hub: scans in a row in which haproxy sent the unit requests and its counter did not move (default 1, 2)',
        ),
      pending_compactions: thresholdSchema
        .optional()
        .describe(
          'cassandra: `pending tasks` of nodetool compactionstats on each node (default 20, 100)',
        ),
    })
    .describe('a progress check of one service kind');

  const resourcesSchema = z
    .strictObject({
      hosts: nodeSet
        .optional()
        .describe('the hosts whose resources are checked (default: every host)'),
      load: thresholdSchema.optional().describe('1-minute load average per core (default 2, 4)'),
      disk: thresholdSchema.optional().describe('percent of a mount used (default 85, 95)'),
      inodes: thresholdSchema
        .optional()
        .describe('percent of a mount’s inodes used (default 85, 95)'),
      memory: thresholdSchema.optional().describe('percent of memory in use (default 90, 97)'),
      clock: thresholdSchema
        .optional()
        .describe('seconds between the host’s clock and the admin host’s (default 2, 10)'),
      mounts: z
        .array(z.string().min(1))
        .optional()
        .describe('only these mount points (default: every local file system)'),
    })
    .describe('host resources');

  const healSchema = z
    .strictObject({
      restarts: z
        .int({ error: expecting('a whole number') })
        .min(1)
        .default(3)
        .describe('at most this many restarts …'),
      within: z
        .int({ error: expecting('a whole number') })
        .min(1)
        .default(5)
        .describe('… within this many scans, then unmonitor'),
    })
    .nullable()
    .describe('restart a critical unit of this service');

  const alertsSchema = z
    .strictObject({
      command: z
        .array(z.string().min(1))
        .min(1)
        .optional()
        .describe('a program run once per state change, the alert as JSON on its stdin'),
      email: z
        .strictObject({
          to: z.string().min(3).describe('recipient address(es), comma separated'),
          from: z.string().min(3).default('salvo-monitor@localhost').describe('sender address'),
          smtp: z
            .string()
            .regex(/^smtps?:\/\/[^/\s]+$/, {
              error: expecting('smtp://HOST:PORT or smtps://HOST:PORT'),
            })
            .default('smtp://127.0.0.1:25')
            .describe('the mail server; user and password from secrets/<deployment>/smtp.json'),
        })
        .optional()
        .describe('e-mail alerts'),
    })
    .describe('where state changes are reported');

  const monitorSchema = z
    .strictObject({
      interval: z
        .number({ error: expecting('a number of seconds') })
        .positive()
        .default(60)
        .describe('seconds between scans of `salvo monitor run`'),
      liveness: z
        .array(z.string().min(1))
        .optional()
        .describe("services whose units' health probes are checked (default: every service)"),
      progress: z
        .record(z.string(), progressSchema)
        .optional()
        .describe(
          'service → progress check (snap: the age of its newest snapshot; hub: its request counter; cassandra: pending compactions)',
        ),
      resources: resourcesSchema.optional().describe('host resource checks'),
      mesh: z.boolean().default(false).describe('run the tinc ping matrix each scan'),
      backups: z
        .union([z.boolean(), thresholdSchema])
        .default(false)
        .describe(
          "backup freshness: each series' newest snapshot against its rule's max_age; true, or the multiples of max_age that are warning and critical (default 1, 2)",
        ),
      heal: z
        .record(z.string(), healSchema)
        .optional()
        .describe('service → restart policy for its critical units'),
      alerts: alertsSchema
        .optional()
        .describe('where state changes are reported: a command and/or e-mail'),
      history: z
        .union([
          z.string().min(1),
          z.strictObject({
            cassandra: z
              .strictObject({
                keyspace: z
                  .string()
                  .regex(/^[a-z_][a-z0-9_]*$/, { error: expecting('a keyspace name') })
                  .optional()
                  .describe("the keyspace (default: the cassandra service's keyspace option, smc)"),
                user: z
                  .string()
                  .min(1)
                  .default('salvo_admin')
                  .describe('the Cassandra user (its password from secrets/)'),
              })
              .describe('the monitor_history and monitor_state tables'),
            file: z
              .string()
              .min(1)
              .optional()
              .describe('the local fallback file while Cassandra refuses writes'),
          }),
        ])
        .optional()
        .describe(
          'the JSON-lines history file (default .salvo/monitor/<deployment>.jsonl), or { cassandra: {…} }',
        ),
    })
    .describe('the fleet monitor (docs/monitor.md)');

  return {
    thresholdSchema,
    progressSchema,
    resourcesSchema,
    healSchema,
    alertsSchema,
    monitorSchema,
  };
}
