// Service kinds: the options each kind accepts and the ports it listens on.
// One entry per kind, so a kind owns its keys, their defaults and their port names.
import * as z from 'zod';
import { expecting } from './describe.js';
import { MAX_COUNT, MAX_DURATION_S, MAX_INSTANCES, durationLimitText } from './limits.js';
import { NGINX_OPTIONS } from './nginx-options.js';

/** A port a service listens on: an option naming an entry of the ports block. */
export interface PortRole {
  option: string; // the service option that may name another ports entry (`port`, `proxy_port`)
  default: string; // the ports entry used when the option is absent
  perInstance: boolean; // instance i listens on the base port + i
}

export interface ServiceKind {
  description: string;
  options: z.ZodRawShape;
  ports: PortRole[];
}

const count = z
  .int({ error: expecting('a whole number') })
  .min(1)
  .max(MAX_COUNT, { error: `at most ${MAX_COUNT}` });
const nodeSet = z.string({ error: expecting('a node set (e.g. "cloud[1-7]")') }).min(1);
const instances = z
  .int({ error: expecting('a whole number') })
  .min(1)
  .max(MAX_INSTANCES, { error: `at most ${MAX_INSTANCES} instances per host` })
  .default(1)
  .describe('instances per host; instance i listens on each base port + i');

const role = (option: string, name: string, perInstance = false): PortRole => ({
  option,
  default: name,
  perInstance,
});

/** `{name}` placeholders a `command` may use; Salvo fills them in per unit (admin/services/argv.ts). */
const COMMAND_PLACEHOLDERS = [
  'port',
  'proxy_port',
  'native_port',
  'internode_port',
  'stats_port',
  'instance',
  'id',
  'host',
  'address',
  'vpn',
  'n',
  'version',
  'deployment',
  'dir',
] as const;

function unknownPlaceholders(value: string | string[]): string[] {
  const names = [value].flat().flatMap((a) => [...a.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!));
  return names.filter((n) => !(COMMAND_PLACEHOLDERS as readonly string[]).includes(n));
}

function checkPlaceholders(value: string | string[], ctx: z.RefinementCtx): void {
  const bad = unknownPlaceholders(value);
  if (bad.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `unknown placeholder {${bad[0]}} (known: ${COMMAND_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')})`,
    });
  }
}

const command = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
    error: expecting('a command: a list of arguments, or a string split at spaces'),
  })
  .superRefine(checkPlaceholders);
/** One string with placeholders (`listen_address: "{vpn}"`). */
const template = z
  .string({ error: expecting('a string such as "{address}" or "{vpn}"') })
  .min(1)
  .superRefine(checkPlaceholders);
const seconds = z
  .number({ error: expecting('a number of seconds') })
  .positive()
  .max(MAX_DURATION_S, { error: durationLimitText });
const gib = z.number({ error: expecting('a number') }).positive();
const vmImageName = z
  .string({ error: expecting('an image name') })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, {
    error: expecting('an image name (letters, digits, _ . -)'),
  });
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const vmOverrides = z.strictObject({
  base: vmImageName.optional(),
  vcpus: count.optional(),
  memory: gib.optional(),
  disks: z.record(z.string(), gib).optional(),
  mac: z
    .string()
    .regex(MAC, { error: expecting('a MAC address in lower case, e.g. 52:54:00:12:34:56') })
    .optional(),
});

/** Options of every kind Salvo runs as a daemon with a pid file and a log (admin/services/daemon/daemon.ts). */
const daemon = (program: string) => ({
  command: command
    .optional()
    .describe(
      `the ${program} to run, as a list of arguments; {port}, {version}, {id} … are filled in per instance`,
    ),
  start_timeout: seconds
    .optional()
    .describe('seconds a start may take until the process listens (default 30)'),
  stop_timeout: seconds
    .optional()
    .describe('seconds between TERM and KILL when stopping (default 10)'),
});
const appVersion = z
  .string({ error: expecting('a version string (quote it: "1.0")') })
  .min(1)
  .optional()
  .describe('version to run: fills {version} in `command`; `salvo upgrade --version` runs another');

// Each kind's options are built on first use, not when the module loads: a services file names a
// few of the kinds, and building every kind's zod schemas was a measurable part of `salvo check`.
const builtOptions = new WeakMap<object, z.ZodRawShape>();

function built(kind: object, build: () => z.ZodRawShape): z.ZodRawShape {
  let shape = builtOptions.get(kind);
  if (!shape) {
    shape = build();
    builtOptions.set(kind, shape);
  }
  return shape;
}

export const SERVICE_KINDS: Record<string, ServiceKind> = {
  vm: {
    description: 'KVM/qemu guests; `hosts` are the guests, each placed with `vm_on`',
    get options() {
      return built(this, () => ({
        base: vmImageName.optional().describe('base image: vm/images/NAME.json next to this file'),
        vcpus: count.default(1).describe('virtual CPUs per guest'),
        memory: gib.default(1).describe('RAM per guest, GiB (0.125 = 128 MiB)'),
        disks: z
          .record(
            z.string().regex(/^[a-z][a-z0-9_-]{0,15}$/, {
              error: expecting('a disk name: a-z, 0-9, _ and -'),
            }),
            gib,
          )
          .optional()
          .describe('persistent disks: name → size in GiB; created once, kept across restarts'),
        bridge: z
          .string()
          .regex(/^[A-Za-z0-9_.-]{1,15}$/, { error: expecting('a network interface name') })
          .default('br0')
          .describe('bridge on the physical host the guest tap joins'),
        prefix: z.int().min(1).max(32).default(24).describe('prefix length of the guest address'),
        gateway: z
          .string()
          .min(1)
          .optional()
          .describe('default route of the guests (none if absent)'),
        dir: z
          .string()
          .regex(/^\/[A-Za-z0-9_./-]+$/, { error: expecting('an absolute path') })
          .default('/var/lib/salvo/vm')
          .describe('state directory on the physical hosts: images/, guests/NAME/'),
        accel: z
          .enum(['auto', 'kvm', 'tcg'])
          .default('auto')
          .describe('auto: kvm when a short probe proves it works on the host, else tcg'),
        driver: z
          .enum(['qemu', 'libvirt'])
          .default('qemu')
          .describe('how guests run: qemu (direct), or libvirt (transient domains through virsh)'),
        guests: z
          .record(z.string(), vmOverrides)
          .optional()
          .describe('node set of guests → overrides: base, vcpus, memory, disks, mac'),
        capacity: z
          .record(z.string(), z.strictObject({ vcpus: count.optional(), memory: gib.optional() }))
          .optional()
          .describe('node set of physical hosts → { vcpus, memory (GiB) } the guests may use'),
        stop_timeout: seconds
          .optional()
          .describe('seconds between the ACPI power button and QMP quit (default 30)'),
        per_host: count
          .max(1000)
          .optional()
          .describe('guests of one physical host that start or stop at once (default 1)'),
      }));
    },
    ports: [],
  },
  cassandra: {
    description: 'the Cassandra ring',
    get options() {
      return built(this, () => ({
        version: z
          .string({ error: expecting('a version string (quote it: "2.0")') })
          .min(1)
          .optional()
          .describe('Cassandra version to run'),
        cluster_name: z
          .string()
          .min(1)
          .optional()
          .describe('cluster_name in cassandra.yaml (default: the deployment)'),
        seeds: nodeSet
          .optional()
          .describe('seed nodes, a node set within the hosts (default: the first 3)'),
        topology: z
          .record(
            z.string(),
            z.string().regex(/^[\w-]+:[\w-]+$/, { error: expecting('"DC:RACK", e.g. "DC0:RAC1"') }),
          )
          .optional()
          .describe('node set → "DC:RACK"; must cover every host when given'),
        ...daemon('Cassandra daemon'),
        nodetool: command
          .optional()
          .describe(
            'nodetool and its connection flags, as a list of arguments (default: nodetool); the health probe appends `status`',
          ),
        listen_address: template
          .optional()
          .describe(
            "the address of this node's row in `nodetool status` (default: {address}, the host's address)",
          ),
      }));
    },
    ports: [role('native_port', 'cassandra_native'), role('internode_port', 'cassandra_internode')],
  },
  hub: {
    description: 'hub web servers',
    get options() {
      return built(this, () => ({ instances, version: appVersion, ...daemon('hub program') }));
    },
    ports: [role('port', 'hub', true), role('proxy_port', 'hub_proxy', true)],
  },
  snap: {
    description: 'snapshot servers',
    get options() {
      return built(this, () => ({ instances, version: appVersion, ...daemon('snap program') }));
    },
    ports: [role('port', 'snap', true)],
  },
  haproxy: {
    description: 'the load balancer in front of the web tier',
    get options() {
      return built(this, () => ({
        backends: z
          .union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
            error: expecting('a service name or a list of them'),
          })
          .optional()
          .describe('services to balance (default: hub)'),
        ...daemon('haproxy binary (default: haproxy)'),
      }));
    },
    ports: [role('port', 'haproxy'), role('stats_port', 'haproxy_stats')],
  },
  nginx: {
    description:
      'static files and the web front end (nginx; its config is rendered from this file)',
    get options() {
      return built(this, () => ({
        ...NGINX_OPTIONS,
        ...daemon('nginx binary (default: nginx; Salvo adds -e LOG -c CONFIG)'),
      }));
    },
    ports: [role('port', 'nginx')],
  },
};

/** Overrides of the kind's health gate (admin/services/*: `gate`); every key is optional. */
const gate = z
  .strictObject({
    passes: count.optional().describe('healthy probes in a row that pass the gate'),
    interval: seconds.optional().describe('seconds between two probes'),
    timeout: seconds.optional().describe('seconds after which the unit fails its gate'),
  })
  .optional()
  .describe(
    'the health gate after each unit starts or restarts: { passes, interval, timeout } (defaults per kind)',
  );

/** The schema of one service entry: `hosts`, the kind's options, and its port options. */
export function serviceSchema(kind: ServiceKind): z.ZodObject {
  const portOptions = Object.fromEntries(
    kind.ports.map((r) => [
      r.option,
      z
        .string({ error: expecting('a name from the ports block') })
        .min(1)
        .optional()
        .describe(`ports entry to listen on (default: ${r.default})`),
    ]),
  );
  return z.strictObject({
    hosts: nodeSet.describe('the hosts that run it (node set; @group allowed)'),
    ...kind.options,
    gate,
    ...portOptions,
  });
}
