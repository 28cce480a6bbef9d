// The services file as written: one zod schema per top-level section, each key with its
// description and default, so the schema documents itself (docs/services-file.md follows it).
import { MAX_CONCURRENCY, MAX_DURATION_S, durationLimitText } from './limits.js';
import * as z from 'zod';
import { expecting } from './describe.js';
import { monitorSchemas } from './monitor.js';
import { parseBytes } from '../bytes.js';

const MIN_OUTPUT = 64 * 1024; // transport/session/markers.ts MIN_MAX_OUTPUT (a layer above)

// A services file is parsed once or twice per process: zod's JIT (new Function per object schema
// on first use) costs more than it saves there (~15 ms of every one-shot command's start-up).
z.config({ jitless: true });

const MAX_CHANNELS = 8;

const port = z
  .int({ error: expecting('a port number (1-65535)') })
  .min(1, { error: expecting('a port number (1-65535)') })
  .max(65535, { error: expecting('a port number (1-65535)') });

const text = z.string().min(1);
const path = z.string({ error: expecting('a path') }).min(1);
const nodeSet = z.string({ error: expecting('a node set (e.g. "cloud[1-7]")') }).min(1);

// A value that may use the host's number: "198.18.1.{n}". `{n}` is the only placeholder: any
// other `{…}` would be left in the value as written and fail much later ("cannot resolve").
const template = z
  .string({ error: expecting('a string (may use {n})') })
  .min(1)
  .regex(/^(?:[^{}]|\{n\})*$/, {
    error: expecting('a string whose only placeholder is {n} (the number in the host name)'),
  });

const channelsMessage = (issue: { input?: unknown }): string =>
  `must be at most ${MAX_CHANNELS}, got ${String(issue.input)}: sshd refuses sessions past its ` +
  `MaxSessions (10 by default), so Salvo keeps a margin below it`;

const deploymentSchema = z
  .string({ error: expecting('the deployment name') })
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
    error: expecting('a name of letters, digits and _ (the REPL exposes it as a variable)'),
  })
  .describe('deployment name; the REPL exposes the deployment under it');

const portsSchema = z
  .record(
    z.string(),
    z.union([port, z.array(port).min(1)], {
      error: expecting('a port number or a list of port numbers'),
    }),
  )
  .describe('the one ports block: name → port number or list; services refer to these names');

export const sshSchema = z
  .strictObject({
    user: text.default('root').describe('login user unless a host sets `user`'),
    identity: path.optional().describe('private key file; the agent (SSH_AUTH_SOCK) is tried too'),
    known_hosts: z
      .union([path, z.array(path).min(1)], { error: expecting('a path or a list of paths') })
      .default('conf/known_hosts')
      .describe('known_hosts file(s) host keys are verified against'),
    config: path
      .nullable()
      .optional()
      .describe('ssh_config to honour (default ~/.ssh/config if it exists; null = none)'),
    concurrency: z
      .int({ error: expecting('a whole number') })
      .min(1)
      .max(MAX_CONCURRENCY, { error: `at most ${MAX_CONCURRENCY}` })
      .default(64)
      .describe('fan-out window'),
    connect_timeout: z
      .number({ error: expecting('a number of seconds') })
      .positive()
      .max(MAX_DURATION_S, { error: durationLimitText })
      .default(10)
      .describe('seconds to wait for a connection'),
    channels_per_connection: z
      .int({ error: expecting('a whole number') })
      .min(1)
      .max(MAX_CHANNELS, { error: channelsMessage })
      .default(MAX_CHANNELS)
      .describe('concurrent channels on one SSH connection'),
    max_output: z
      .union([z.string(), z.number()], { error: expecting('a size like 8M or 512K') })
      .transform((v, ctx) => {
        const bytes = parseBytes(v);
        if (typeof bytes !== 'number') {
          ctx.addIssue({ code: 'custom', message: bytes.error });
          return z.NEVER;
        }
        if (bytes < MIN_OUTPUT) {
          ctx.addIssue({ code: 'custom', message: `at least 64K, got ${String(v)}` });
          return z.NEVER;
        }
        return bytes;
      })
      .optional()
      .describe(
        'output kept per host and stream (e.g. 8M, 512K; default 8.25M): past it a result keeps the first and last bytes and says how many were dropped',
      ),
  })
  .describe('how Salvo reaches the hosts');

export const hostSchema = z
  .strictObject({
    address: template.optional().describe('underlay address to SSH to (default: the host name)'),
    vpn: template.optional().describe('tinc overlay address, e.g. 10.1.{n}.1'),
    vm_on: template.optional().describe('the physical host this VM runs on, e.g. cloud{n}'),
    port: z
      .union(
        [
          port,
          z.string().regex(/\{n\}/, { error: expecting('a port number (or a string using {n})') }),
        ],
        { error: expecting('a port number (or a string using {n})') },
      )
      .optional()
      .describe('SSH port, when not 22 or ssh_config'),
    user: template.optional().describe('login user for this host'),
    vars: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('free-form values for services; strings may use {n}'),
  })
  .nullable();

const hostsSchema = z
  .record(z.string(), hostSchema)
  .describe("node set → attributes; {n} in a value is the host's number");

const groupsSchema = z
  .record(z.string(), nodeSet)
  .describe('name → node set (may use other @groups)');

export const COMPUTE_STATES = ['on', 'no-new', 'off'] as const;

const computeServersSchema = z
  .record(z.string(), z.enum(COMPUTE_STATES))
  .describe('node set → on | no-new | off');

export const tincSchema = z
  .strictObject({
    netname: z
      .string()
      .regex(/^[\w-]+$/, { error: expecting('a network name (letters, digits, _ and -)') })
      .optional()
      .describe('tinc network name (default: the deployment)'),
    connect_to: nodeSet.default('all').describe('`all`, or the node set every member connects to'),
  })
  .describe('the tinc VPN mesh; members are the hosts with a `vpn` address');

export const backupSchema = z
  .strictObject({
    rules: path.describe('backup rules file'),
  })
  .describe('distributed backups');

export const lockSchema = z
  .strictObject({
    hosts: z
      .union([nodeSet, z.array(nodeSet).min(1)], {
        error: expecting('a node set or a list of hosts, e.g. [cloud1, cloud2, cloud3]'),
      })
      .describe(
        'where the deployment lock lives, in order: held when a majority of them grant it (default: the first host)',
      ),
  })
  .describe('the deployment lock');

let monitorSection: ReturnType<typeof buildMonitorSection> | undefined;

function buildMonitorSection() {
  return monitorSchemas().monitorSchema.optional();
}

/**
 * Top-level sections in the order the docs present them; `services` is checked per kind. The
 * optional ones accept a missing section as missing (OPTIONAL_SECTIONS); `monitor` is built on
 * first use.
 */
export const SECTIONS = {
  deployment: deploymentSchema,
  ports: portsSchema.optional(),
  ssh: sshSchema.prefault({}),
  hosts: hostsSchema,
  groups: groupsSchema.optional(),
  services: z.record(z.string(), z.unknown()).optional(),
  compute_servers: computeServersSchema.optional(),
  tinc: tincSchema.optional(),
  backup: backupSchema.optional(),
  get monitor() {
    monitorSection ??= buildMonitorSection();
    return monitorSection;
  },
  lock: lockSchema.optional(),
};

export type SectionName = keyof typeof SECTIONS;

/** Sections whose schema takes a missing section as absent, with no defaults and no issue: the
 * schema stage need not build or run them for a file without them (a test holds this true). */
export const OPTIONAL_SECTIONS: ReadonlySet<SectionName> = new Set([
  'ports',
  'groups',
  'services',
  'compute_servers',
  'tinc',
  'backup',
  'monitor',
  'lock',
]);

/** The written file, section by section; a section that failed its schema is absent. */
export type Written = { -readonly [K in SectionName]?: z.output<(typeof SECTIONS)[K]> };

export type HostAttrs = NonNullable<z.output<typeof hostSchema>>;
