// Service kinds: the options each kind accepts and the ports it listens on.
// One entry per kind, so a kind owns its keys, their defaults and their port names.
import { z } from 'zod';
import { expecting } from './describe.js';

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

const count = z.int({ error: expecting('a whole number') }).min(1);
const nodeSet = z.string({ error: expecting('a node set (e.g. "cloud[1-7]")') }).min(1);
const instances = count.default(1).describe('instances per host; instance i listens on each base port + i');

const role = (option: string, name: string, perInstance = false): PortRole => ({ option, default: name, perInstance });

export const SERVICE_KINDS: Record<string, ServiceKind> = {
  vm: {
    description: 'KVM guests; `hosts` are the guests, each placed with `vm_on`',
    options: {
      base: z.string().min(1).optional().describe('base image name under ~/vm/images/base'),
      vcpus: count.optional().describe('virtual CPUs per guest'),
      memory: z.number().positive().optional().describe('RAM per guest, GiB'),
      disks: z.record(z.string(), count).optional().describe('persistent disks: name → size in GiB'),
    },
    ports: [],
  },
  cassandra: {
    description: 'the Cassandra ring',
    options: {
      version: z.string({ error: expecting('a version string (quote it: "2.0")') }).min(1).optional()
        .describe('Cassandra version to run'),
      cluster_name: z.string().min(1).optional().describe('cluster_name in cassandra.yaml (default: the deployment)'),
      seeds: nodeSet.optional().describe('seed nodes, a node set within the hosts (default: the first 3)'),
      topology: z.record(z.string(), z.string().regex(/^[\w-]+:[\w-]+$/, { error: expecting('"DC:RACK", e.g. "DC0:RAC1"') }))
        .optional().describe('node set → "DC:RACK"; must cover every host when given'),
    },
    ports: [role('native_port', 'cassandra_native'), role('internode_port', 'cassandra_internode')],
  },
  hub: {
    description: 'hub web servers',
    options: { instances },
    ports: [role('port', 'hub', true), role('proxy_port', 'hub_proxy', true)],
  },
  snap: {
    description: 'snapshot servers',
    options: { instances },
    ports: [role('port', 'snap', true)],
  },
  haproxy: {
    description: 'the load balancer in front of the web tier',
    options: {
      backends: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: expecting('a service name or a list of them') })
        .optional().describe('services to balance (default: hub)'),
    },
    ports: [role('port', 'haproxy'), role('stats_port', 'haproxy_stats')],
  },
  nginx: {
    description: 'static files and the web front end',
    options: {},
    ports: [role('port', 'nginx')],
  },
};

/** The schema of one service entry: `hosts`, the kind's options, and its port options. */
export function serviceSchema(kind: ServiceKind): z.ZodObject {
  const portOptions = Object.fromEntries(kind.ports.map((r) =>
    [r.option, z.string({ error: expecting('a name from the ports block') }).min(1).optional()
      .describe(`ports entry to listen on (default: ${r.default})`)]));
  return z.strictObject({
    hosts: nodeSet.describe('the hosts that run it (node set; @group allowed)'),
    ...kind.options,
    ...portOptions,
  });
}
