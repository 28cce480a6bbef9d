// Every problem in a file is reported at once, and only as `file:line:col: message` lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadInventory } from '../../../admin/inventory/load.js';
import { ConfigError } from '../../../admin/errors.js';
import { fixture, HOME, issues, yaml } from '../helpers.js';

test('a file with several errors reports all of them, in file order', async () => {
  const file = fixture('several-errors.yaml');
  const err = await loadInventory(file, { home: HOME }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof ConfigError);
  assert.deepEqual(
    err.message.split('\n').map((line) => line.slice(file.length + 1)),
    [
      '5:16: ssh.concurrency: expected a whole number, got string "lots"',
      '6:28: ssh.channels_per_connection: must be at most 8, got 12: sshd refuses sessions past its MaxSessions (10 by default), so Salvo keeps a margin below it',
      `9:3: hosts.cloud4: host cloud4 is defined twice: here and at ${file}:8:3`,
      '10:21: hosts.db[1-2].vm_on: hosts cloud[10,20] are not defined under hosts (vm_on of db[1-2])',
      '12:20: groups.web: undefined group `@nope` (groups: web)',
      '14:36: services.hub.instances: port 5001 clashes on cloud[1-2]: hub instance 1 port (ports.hub + 1) and hub instance 0 proxy_port (ports.hub_proxy)',
      '15:3: services.snapp: unknown key (did you mean `snap`?)',
      `18:3: compute_servers.cloud3: host cloud3 is listed twice: here and at ${file}:17:3`,
    ],
  );
  assert.equal(err.issues.length, 8);
  assert.deepEqual(err.issues[0], {
    file,
    line: 5,
    col: 16,
    message: 'ssh.concurrency: expected a whole number, got string "lots"',
  });
});

// Broken in every way we could think of: each must give issue lines, never a crash or a stack.
const BROKEN = [
  '',
  '   ',
  '---\n---\n',
  'null',
  '42',
  '"text"',
  '[1, 2]',
  '- a\n- b',
  '\u0000\u0001\u0002',
  '{',
  'deployment: [',
  'a: b: c',
  '\tdeployment: t',
  'deployment: !!binary x',
  'x: !custom 1',
  'a: &x [*x]',
  'deployment: *nothing',
  'deployment: t\nhosts: null',
  'deployment: t\nhosts: []',
  'deployment: t\nhosts: { "": {} }',
  'deployment: t\nhosts: { "[": {} }',
  'deployment: t\nhosts: { "a[1-9999999]": {} }',
  'deployment: t\nhosts: { a1: [] }',
  'deployment: t\nhosts: { a1: { vars: 5 } }',
  'deployment: t\nhosts: { a1: {} }\nbackup: { rules: 5 }',
  'deployment: t\nhosts: { a1: {} }\nservices: []',
  'deployment: t\nhosts: { a1: {} }\nservices: { hub: null }',
  'deployment: t\nhosts: { a1: {} }\nservices: { hub: { hosts: "" } }',
  'deployment: t\nhosts: { a1: {} }\ngroups: { g: "@" }',
  'deployment: t\nhosts: { a1: {} }\ngroups: { "@g": a1 }',
  'deployment: t\nhosts: { a1: {} }\ncompute_servers: { "": on }',
  'deployment: t\nhosts: { a1: {} }\ntinc: { connect_to: "" }',
  'deployment: t\nhosts: { a1: {} }\nports: { a: -1, b: 65536, c: "80" }',
  'deployment: t\nhosts: { a1: { port: "{n}{n}{n}{n}{n}{n}" } }',
  'deployment: t\nhosts: { "a1,a1!a1": {} }',
  'deployment: t\nhosts: { a1: {} }\nssh: { known_hosts: [5] }',
  yaml`
    deployment: t
    hosts: { a1: { vm_on: a1 } }
    groups: { g: "@h", h: "@g" }
    services: { vm: { hosts: "@g" }, haproxy: { hosts: "@zz", backends: 5 } }
  `,
];

test('no error path produces a stack trace: only `file:line:col: message` lines', () => {
  for (const text of BROKEN) {
    const lines = issues(text);
    assert.ok(lines.length > 0, JSON.stringify(text));
    for (const line of lines) {
      assert.match(line, /^services\.yaml:\d+:\d+: \S/, `${JSON.stringify(text)} gave ${line}`);
      assert.doesNotMatch(
        line,
        /^\s+at |Error:|undefined|\[object /,
        `${JSON.stringify(text)} gave ${line}`,
      );
    }
  }
});
