// Node-set problems, wherever a node set is used: each at the key or value that holds it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { issues, yaml } from '../helpers.js';

test('a host defined twice names the hosts and both places', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts:
      cloud[1-7]: {}
      cloud[5-9]: {}
      cloud3: {}
  `),
    [
      'services.yaml:4:3: hosts.cloud[5-9]: hosts cloud[5-7] are defined twice: here and at services.yaml:3:3',
      'services.yaml:5:3: hosts.cloud3: host cloud3 is defined twice: here and at services.yaml:3:3',
    ],
  );
});

test('an undefined @group is reported where it is written, in every place node sets go', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts:
      cloud[1-3]: { vpn: "10.1.{n}.1" }
    groups:
      web: "cloud[1-2],@nope"
    ports: { hub: 5000, hub_proxy: 5100 }
    services:
      hub: { hosts: "@wbe" }
    compute_servers:
      "@nope": on
    tinc: { connect_to: "cloud1,@edge" }
  `),
    [
      'services.yaml:5:20: groups.web: undefined group `@nope` (groups: web)',
      'services.yaml:8:18: services.hub.hosts: undefined group `@wbe` (did you mean `web`?)',
      'services.yaml:10:4: compute_servers.@nope: undefined group `@nope` (groups: web)',
      'services.yaml:11:29: tinc.connect_to: undefined group `@edge` (groups: web)',
    ],
  );
});

test('a node set that names no host is an error', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts:
      cloud[1-3]: {}
    compute_servers:
      "cloud[1-3]!cloud[1-3]": on
  `),
    [
      'services.yaml:5:3: compute_servers.cloud[1-3]!cloud[1-3]: node set `cloud[1-3]!cloud[1-3]` is empty',
    ],
  );
});

test('a node set naming hosts that are not under hosts', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts:
      cloud[1-3]: {}
    groups:
      all: "cloud[1-5]"
    services:
      snap: { hosts: cloud9, port: snap }
    ports: { snap: 5200 }
  `),
    [
      'services.yaml:5:8: groups.all: hosts cloud[4-5] are not defined under hosts',
      'services.yaml:7:18: services.snap.hosts: host cloud9 is not defined under hosts',
    ],
  );
});

test('invalid node-set syntax: the node-set message, at the offending character', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts:
      cloud[1-3: {}
      cloud4: {}
    groups:
      web: "cloud[3-1]"
  `),
    [
      'services.yaml:3:8: hosts.cloud[1-3: invalid node set "cloud[1-3": "[" is never closed',
      'services.yaml:6:15: groups.web: invalid node set "cloud[3-1]": range start 3 is greater than end 1',
    ],
  );
});

test('groups that use each other in a cycle', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts: { cloud1: {} }
    groups:
      a: "@b"
      b: "cloud1,@c"
      c: "@a"
      d: "@d"
  `),
    [
      'services.yaml:4:6: groups.a: groups form a cycle: @a → @b → @c → @a',
      'services.yaml:7:6: groups.d: groups form a cycle: @d → @d',
    ],
  );
});

test('{n} in a template for a host whose name has no number', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts:
      "cloud1,edge,gate": { address: "198.18.1.{n}", vars: { url: "http://x{n}" } }
  `),
    [
      'services.yaml:3:34: hosts.cloud1,edge,gate.address: `{n}` needs a number in the host name, but edge, gate have none',
      'services.yaml:3:63: hosts.cloud1,edge,gate.vars.url: `{n}` needs a number in the host name, but edge, gate have none',
    ],
  );
});

test('vm_on must name a defined host; vm guests must have one', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts:
      cloud[1-2]: {}
      db[1-3]: { vm_on: "cloud{n}" }
      web1: {}
    services:
      vm: { hosts: "db[1-3],web1" }
  `),
    [
      'services.yaml:4:21: hosts.db[1-3].vm_on: host cloud3 is not defined under hosts (vm_on of db3)',
      'services.yaml:7:16: services.vm.hosts: host web1 is a VM but has no vm_on',
    ],
  );
});

test('one mistake is reported once, not again by everything that uses it', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts:
      cloud[1-2]: { address: 5 }
      db1: { vm_on: cloud1 }
    groups:
      web: "@nope"
      front: "@web"
    services:
      vm: { hosts: "db1,@front" }
  `),
    [
      'services.yaml:3:26: hosts.cloud[1-2].address: expected a string (may use {n}), got number 5',
      'services.yaml:6:9: groups.web: undefined group `@nope` (groups: web, front)',
    ],
  );
});

test('a hosts key may not name a host with a blank, though node sets keep blanks inside names', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts:
      "cloud [1-2]": {}
      cloud[3-4]: {}
  `),
    ['services.yaml:3:3: hosts.cloud [1-2]: host name "cloud 1" contains a blank'],
  );
});
