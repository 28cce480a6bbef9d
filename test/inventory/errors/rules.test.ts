// Cross-field rules beyond node sets and ports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { issues, yaml } from '../helpers.js';

test('haproxy backends must be services of the file', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts: { web1: {} }
    ports: { haproxy: 8000, haproxy_stats: 8404, nginx: 8080 }
    services:
      nginx: { hosts: web1 }
      haproxy: { hosts: web1, backends: [nginx, hbu] }
  `),
    [
      'services.yaml:6:37: services.haproxy.backends: backend `hbu` is not a service in this file (services: nginx)',
    ],
  );
});

test('cassandra seeds and topology stay within the ring', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts: { "db[1-3]": {}, web1: {} }
    ports: { cassandra_native: 9042, cassandra_internode: 7000 }
    services:
      cassandra:
        hosts: "db[1-3]"
        seeds: "db1,web1"
        topology: { "db[1-2]": DC0:RAC0, web1: DC0:RAC1 }
  `),
    [
      'services.yaml:7:12: services.cassandra.seeds: host web1 is not in the cassandra hosts; seeds must be ring members',
      'services.yaml:8:5: services.cassandra.topology: host web1 is not in the cassandra hosts',
      'services.yaml:8:5: services.cassandra.topology: host db3 is in the ring but not in the topology',
    ],
  );
});

test('vpn addresses: IPv4, one per host; connect_to hosts are mesh members', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts:
      cloud[1-2]: { vpn: "10.1.{n}.1" }
      db1: { vpn: 10.1.1.1 }
      db2: { vpn: 10.1.300.1 }
      edge: {}
    tinc: { connect_to: "cloud1,edge" }
  `),
    [
      'services.yaml:4:15: hosts.db1.vpn: db1 and cloud1 both have vpn address 10.1.1.1 (cloud1 at services.yaml:3:3)',
      'services.yaml:5:15: hosts.db2.vpn: `10.1.300.1` (for db2) is not an IPv4 address',
      'services.yaml:7:21: tinc.connect_to: host edge is not in the mesh (no vpn address)',
    ],
  );
});

test('an explicit ssh.config must exist', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts: { cloud1: {} }
    ssh: { config: /nonexistent/ssh_config }
  `),
    [
      'services.yaml:3:16: ssh.config: no such file: /nonexistent/ssh_config (use null to read no ssh_config)',
    ],
  );
});
