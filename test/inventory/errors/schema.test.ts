// Each kind of schema problem, with its exact position and wording.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { issues, yaml } from '../helpers.js';

test('invalid YAML is reported where the yaml parser found it', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts:
      cloud1: {}
    deployment: u
  `),
    ['services.yaml:4:1: invalid YAML: Map keys must be unique'],
  );
  assert.deepEqual(issues('deployment: t\nhosts: [cloud1\n'), [
    'services.yaml:3:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
  ]);
});

test('unknown keys, at any depth, with the closest known key or the list of known ones', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    sevices: {}
    hosts:
      cloud1: { adress: 10.0.0.1 }
    ssh:
      colour: blue
    services:
      hub: { hosts: cloud1, instanses: 2 }
      cassandr: { hosts: cloud1 }
  `),
    [
      'services.yaml:2:1: sevices: unknown key (did you mean `services`?)',
      'services.yaml:4:13: hosts.cloud1.adress: unknown key (did you mean `address`?)',
      'services.yaml:6:3: ssh.colour: unknown key (expected one of: user, identity, known_hosts, config, concurrency, connect_timeout, channels_per_connection, max_output)',
      'services.yaml:8:25: services.hub.instanses: unknown key (did you mean `instances`?)',
      'services.yaml:9:3: services.cassandr: unknown key (did you mean `cassandra`?)',
    ],
  );
});

test('wrong types say what was expected and what was found', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts:
      cloud1: { port: ssh }
    ssh:
      concurrency: abc
      connect_timeout: [1]
    services:
      vm: { hosts: cloud1, memory: abc }
      cassandra: { hosts: cloud1, version: 2.0 }
  `),
    [
      'services.yaml:3:19: hosts.cloud1.port: expected a port number (or a string using {n}), got string "ssh"',
      'services.yaml:5:16: ssh.concurrency: expected a whole number, got string "abc"',
      'services.yaml:6:20: ssh.connect_timeout: expected a number of seconds, got a list [1]',
      'services.yaml:8:32: services.vm.memory: expected a number, got string "abc"',
      'services.yaml:9:40: services.cassandra.version: expected a version string (quote it: "2.0"), got number 2',
    ],
  );
});

test('missing required keys point at the mapping that lacks them', () => {
  assert.deepEqual(issues(''), [
    'services.yaml:1:1: missing required key `deployment`',
    'services.yaml:1:1: missing required key `hosts`',
  ]);
  assert.deepEqual(
    issues(yaml`
    # storm
    hosts: { cloud1: {} }
    services:
      hub: { instances: 2 }
  `),
    [
      'services.yaml:2:1: missing required key `deployment`',
      'services.yaml:4:3: services.hub: missing required key `hosts`',
    ],
  );
});

test('the file must be a mapping of sections', () => {
  assert.deepEqual(issues('- cloud1\n- cloud2\n'), [
    'services.yaml:1:1: expected a mapping of sections (deployment, hosts, …), got a list ["cloud1","cloud2"]',
  ]);
});

test('channels_per_connection above 8 is refused, saying why', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts: { cloud1: {} }
    ssh: { channels_per_connection: 10 }
  `),
    [
      'services.yaml:3:33: ssh.channels_per_connection: must be at most 8, got 10: sshd refuses sessions past ' +
        'its MaxSessions (10 by default), so Salvo keeps a margin below it',
    ],
  );
});

test('compute_servers status must be on, no-new or off', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts: { "cloud[1-3]": {} }
    compute_servers:
      cloud1: on
      cloud2: no_new
      cloud3: true
  `),
    [
      'services.yaml:5:11: compute_servers.cloud2: expected on, no-new or off, got string "no_new" (did you mean `no-new`?)',
      'services.yaml:6:11: compute_servers.cloud3: expected on, no-new or off, got boolean true',
    ],
  );
});

test('the deployment name must work as a REPL variable', () => {
  assert.deepEqual(issues('deployment: storm-2\nhosts: { cloud1: {} }\n'), [
    'services.yaml:1:13: deployment: expected a name of letters, digits and _ (the REPL exposes it as a variable), got string "storm-2"',
  ]);
});

test('a service gate: unknown keys and wrong values, at their line and column', () => {
  const found = issues(yaml`
    deployment: t
    hosts:
      cloud1: {}
    services:
      hub: { hosts: cloud1, gate: { passes: 0, timout: 60 } }
      snap: { hosts: cloud1, gate: { interval: "2s" } }
  `);
  assert.equal(found.length, 3, found.join('\n'));
  assert.match(found[0]!, /^services\.yaml:5:\d+: services\.hub\.gate\.passes: /);
  assert.match(
    found[1]!,
    /^services\.yaml:5:\d+: services\.hub\.gate\.timout: unknown key \(did you mean `timeout`\?\)$/,
  );
  assert.match(
    found[2]!,
    /^services\.yaml:6:\d+: services\.snap\.gate\.interval: expected a number of seconds/,
  );
});
