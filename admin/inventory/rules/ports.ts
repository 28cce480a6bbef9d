// Port rules: the ports block gives each number to one name, and no host has two things
// listening on one port (hub instance i listens on ports.hub + i, which can run into another).
import { report, where, type Ctx } from '../context.js';
import { foldNodeSet } from '../nodeset.js';
import { SERVICE_KINDS } from '../schema/kinds.js';
import type { Part, Path } from '../positions.js';
import type { Draft } from '../sections/normalize.js';
import type { ServicePort } from '../types.js';

/** Something listening on a port on a host. */
interface Use {
  port: number;
  label: string; // hub instance 1 port (ports.hub + 1)
  offset: number; // instance i of a per-instance port listens on the base + i
  blockName: string | null; // the ports entry it comes from unchanged (offset 0), if any
  path: Path; // where to point when it clashes
  part: Part;
}

export function portsAreUnique(draft: Draft, ctx: Ctx): void {
  const first = new Map<number, { name: string; path: Path }>();
  for (const [name, value] of Object.entries(draft.ports ?? {})) {
    const numbers = [value].flat();
    numbers.forEach((port, i) => {
      const path = Array.isArray(value) ? ['ports', name, i] : ['ports', name];
      const seen = first.get(port);
      if (seen) {
        report(
          ctx,
          path,
          `port ${port} is already given to \`${seen.name}\` at ${where(ctx, ctx.locator.at(seen.path))}`,
        );
      } else {
        first.set(port, { name, path });
      }
    });
  }
}

/** Instance i listens on the base port + i: the last instance's port must still be a port. */
export function portsFitInstances(draft: Draft, ctx: Ctx): void {
  for (const spec of draft.services.values()) {
    const instances = typeof spec.options.instances === 'number' ? spec.options.instances : 1;
    for (const role of SERVICE_KINDS[spec.kind]?.ports ?? []) {
      const resolved = spec.ports[role.option];
      if (!role.perInstance || !resolved || instances < 2) {
        continue;
      }
      const base = resolved.numbers[0]!;
      if (base + instances - 1 > 65535) {
        report(
          ctx,
          ['services', spec.kind, 'instances'],
          `${instances} instances listen on ports.${resolved.name} (${base}) + 0…${instances - 1}, up to ${base + instances - 1}: past 65535`,
        );
      }
    }
  }
}

export function portsDoNotClashOnHosts(draft: Draft, ctx: Ctx): void {
  const clashes = new Map<string, { hosts: string[]; a: Use; b: Use }>();
  for (const [host, uses] of usesByHost(draft)) {
    const byPort = new Map<number, Use>();
    for (const b of uses) {
      const a = byPort.get(b.port);
      if (!a) {
        byPort.set(b.port, b);
        continue;
      }
      if (a.blockName && b.blockName && a.blockName !== b.blockName) {
        continue; // portsAreUnique said so
      }
      const key = `${b.port}|${a.label}|${b.label}`;
      const clash = clashes.get(key) ?? { hosts: [], a, b };
      clash.hosts.push(host);
      clashes.set(key, clash);
    }
  }
  for (const { hosts, a, b } of clashes.values()) {
    // Blame an instance past the first (its `instances`), else the later of the two.
    const [culprit, other] = a.offset > 0 && b.offset === 0 ? [a, b] : [b, a];
    report(
      ctx,
      culprit.path,
      `port ${b.port} clashes on ${foldNodeSet(hosts)}: ${culprit.label} and ${other.label}`,
      culprit.part,
    );
  }
}

function usesByHost(draft: Draft): Map<string, Use[]> {
  const out = new Map<string, Use[]>();
  const add = (host: string, use: Use): void => {
    out.set(host, [...(out.get(host) ?? []), use]);
  };
  // tinc first, so a clash with it points at the service.
  if (draft.tinc) {
    const fromBlock = typeof draft.ports?.tinc === 'number';
    const use: Use = {
      port: draft.tinc.port,
      label: `tinc (${fromBlock ? 'ports.tinc' : 'its default port'})`,
      offset: 0,
      blockName: fromBlock ? 'tinc' : null,
      path: fromBlock ? ['ports', 'tinc'] : ['tinc'],
      part: fromBlock ? 'value' : 'key',
    };
    for (const h of draft.tinc.hosts) {
      add(h, use);
    }
  }
  for (const spec of draft.services.values()) {
    for (const use of serviceUses(spec.kind, spec.options, spec.ports)) {
      for (const h of spec.hosts) {
        add(h, use);
      }
    }
  }
  return out;
}

function serviceUses(
  kind: string,
  options: Record<string, unknown>,
  ports: Record<string, ServicePort>,
): Use[] {
  const instances = typeof options.instances === 'number' ? options.instances : 1;
  const uses: Use[] = [];
  for (const role of SERVICE_KINDS[kind]?.ports ?? []) {
    const resolved = ports[role.option];
    if (!resolved) {
      continue;
    }
    resolved.numbers.forEach((port, i) => {
      const offset = role.perInstance ? i : 0;
      const who = `${kind}${role.perInstance && instances > 1 ? ` instance ${i}` : ''} ${role.option}`;
      uses.push({
        port,
        label: `${who} (ports.${resolved.name}${offset > 0 ? ` + ${offset}` : ''})`,
        offset,
        blockName: offset === 0 ? resolved.name : null,
        // An instance past the first clashes because of `instances`: point there.
        path: offset > 0 ? ['services', kind, 'instances'] : ['services', kind],
        part: offset > 0 ? 'value' : 'key',
      });
    });
  }
  return uses;
}
