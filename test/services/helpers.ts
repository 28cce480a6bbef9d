// A small deployment for planner tests: two web hosts with two hubs each and a snap, haproxy on
// an edge host, a three-node ring with racks, guests placed on physical hosts.
import { parseInventory } from '../../admin/inventory/parse.js';
import type { Inventory } from '../../admin/inventory/types.js';
import { display } from '../../admin/transport/command.js';
import type { Step } from '../../admin/services/types.js';

export const YAML = `
deployment: t
ports: { haproxy: 8000, haproxy_stats: 8404, hub: 5000, hub_proxy: 5100, snap: 5200, nginx: 8080, cassandra_native: 9042, cassandra_internode: [7000, 7001] }
hosts:
  "cloud[1-3]": { address: "10.0.0.{n}" }
  "web[1-2]": { vm_on: "cloud{n}", address: "10.0.1.{n}", vpn: "10.9.1.{n}" }
  edge: { vm_on: cloud3, address: 10.0.2.1 }
  "db[1-3]": { vm_on: "cloud{n}", address: "10.0.3.{n}" }
services:
  cassandra:
    hosts: "db[1-3]"
    version: "4.1.5"
    command: ["/opt/cassandra/{version}/bin/cassandra", -f]
    topology: { "db[1-2]": "DC1:R1", db3: "DC1:R2" }
  hub:
    hosts: "web[1-2]"
    instances: 2
    version: "1.0"
    stop_timeout: 3
    command: [node, "/opt/hub/{version}/hub.js", --port, "{port}", --id, "{id}"]
  snap: { hosts: "web[1-2]", version: "1.0", command: "/opt/snap/snap --port {port}" }
  nginx: { hosts: "web1" }
  haproxy: { hosts: edge, backends: [hub, nginx] }
tinc: { netname: tnet }
`;

export const inv = (text = YAML): Inventory =>
  parseInventory(text, '/etc/t/services.yaml', { home: '/nonexistent-home' });

/** A step as a test reads it: name @ host. */
export const at = (s: Step): string => `${s.name} @ ${s.host}`;

/** The positional arguments a script step passes after `sh -c SCRIPT salvo`. */
export function scriptArgs(s: Step): string[] {
  const parts = s.command.parts.map(String);
  if (parts[0] !== 'sh' || parts[1] !== '-c' || parts[3] !== 'salvo') {
    throw new Error(`not a script step: ${display(s.command).slice(0, 80)}`);
  }
  return parts.slice(4);
}
