// Per-kind option normalization: node sets in options expanded, defaults that depend on
// other values (seeds = first three hosts, cluster_name = the deployment) filled in.
import type { Ctx } from '../context.js';
import { expandIn, type Scope } from '../expand.js';
import { expandKeyed } from '../rules/keyed.js';

type Options = Record<string, unknown>;

interface Inputs {
  kind: string;
  hosts: string[];
  deployment: string | undefined;
  ctx: Ctx;
  scope: Scope;
}

const NORMALIZERS: Record<string, (o: Options, i: Inputs) => Options> = {
  cassandra: (o, { hosts, deployment, ctx, scope }) => ({
    ...o,
    cluster_name: o.cluster_name ?? deployment,
    seeds:
      typeof o.seeds === 'string'
        ? (expandIn(ctx, o.seeds, ['services', 'cassandra', 'seeds'], 'value', scope) ?? [])
        : hosts.slice(0, 3),
    topology:
      o.topology === undefined
        ? undefined
        : topology(o.topology as Record<string, string>, ctx, scope),
  }),
  vm: (o, { ctx, scope }) => ({
    ...o,
    guests:
      o.guests === undefined
        ? undefined
        : keyedValues(
            o.guests as Record<string, unknown>,
            ['services', 'vm', 'guests'],
            ctx,
            scope,
          ),
    capacity:
      o.capacity === undefined
        ? undefined
        : keyedValues(
            o.capacity as Record<string, unknown>,
            ['services', 'vm', 'capacity'],
            ctx,
            scope,
          ),
  }),
  haproxy: (o) => ({ ...o, backends: o.backends === undefined ? ['hub'] : [o.backends].flat() }),
};

export function normalizeOptions(options: Options, inputs: Inputs): Options {
  const normalize = NORMALIZERS[inputs.kind];
  const out = normalize ? normalize(options, inputs) : options;
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

/** host → "DC:RACK" */
function topology(entries: Record<string, string>, ctx: Ctx, scope: Scope): Record<string, string> {
  const byHost = expandKeyed(entries, ['services', 'cassandra', 'topology'], ctx, scope);
  return Object.fromEntries([...byHost].map(([host, { value }]) => [host, value]));
}

/** node set → value, expanded to host → { value, key } (the key locates errors later). */
function keyedValues(
  entries: Record<string, unknown>,
  base: string[],
  ctx: Ctx,
  scope: Scope,
): Record<string, { value: unknown; key: string }> {
  return Object.fromEntries(expandKeyed(entries, base, ctx, scope));
}
