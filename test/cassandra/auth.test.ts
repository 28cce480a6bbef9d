// auth-init against the simulator (a loopback ring): secrets made 0600 in a 0700 dir, system_auth
// raised, superuser and service users created with their grants, the default user dropped and
// really unable to log in; a second run changes nothing and still succeeds.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { authInit } from '../../admin/cassandra/auth.js';
import { CassandraClient } from '../../admin/cassandra/client.js';
import { CassandraError } from '../../admin/cassandra/errors.js';
import { readSecret } from '../../admin/cassandra/secrets.js';
import { loopRing } from '../lab/cql/helpers.js';

test('auth-init: users from secrets, grants, default user gone; idempotent', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'salvo-auth-'));
  const ring = await loopRing(3);
  const connection = {
    contactPoints: ring.addresses,
    port: ring.port,
    localDataCenter: 'datacenter1',
    operationTimeoutMs: 5000,
  };
  const secrets = join(dir, 'secrets', 'lab');
  const opts = {
    connection,
    secretsDir: secrets,
    superuser: 'salvo_admin',
    users: [
      { name: 'hub', permissions: ['SELECT', 'MODIFY'], keyspace: 'smc' },
      { name: 'monitor', permissions: ['SELECT'], keyspace: 'smc' },
    ],
    systemAuthReplication: { class: 'SimpleStrategy', replication_factor: '3' },
  };
  try {
    const first = await authInit(opts);
    assert.deepEqual(first.created.sort(), ['hub', 'monitor', 'salvo_admin']);
    assert.equal((await stat(secrets)).mode & 0o777, 0o700);
    for (const f of await readdir(secrets)) {
      assert.equal((await stat(join(secrets, f))).mode & 0o777, 0o600);
      assert.ok((await readSecret(secrets, f))!.length >= 16);
    }
    const login = (username: string, password: string) =>
      new CassandraClient({ ...connection, username, password, retries: 0 });
    const def = login('cassandra', 'cassandra');
    await assert.rejects(
      def.connect(),
      (e: Error) => e instanceof CassandraError && e.failure === 'auth',
    );
    await def.close();
    const admin = login('salvo_admin', (await readSecret(secrets, 'salvo_admin'))!);
    const ks = await admin.execute(
      "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = 'system_auth'",
    );
    assert.deepEqual(ks.rows[0]!.replication, {
      class: 'org.apache.cassandra.locator.SimpleStrategy',
      replication_factor: '3',
    });
    await admin.execute(
      "CREATE KEYSPACE smc WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}",
    );
    await admin.execute('CREATE TABLE smc.t (k int PRIMARY KEY, v text)');
    const users = (await admin.execute('LIST USERS')).rows.map((r) => r.name);
    assert.deepEqual(users, ['hub', 'monitor', 'salvo_admin']);
    await admin.close();
    const monitor = login('monitor', (await readSecret(secrets, 'monitor'))!);
    await monitor.execute('SELECT * FROM smc.t');
    await assert.rejects(
      monitor.execute('INSERT INTO smc.t (k, v) VALUES (?, ?)', [1, 'x']),
      (e: Error) => e instanceof CassandraError && e.failure === 'auth',
    );
    await monitor.close();
    const hub = login('hub', (await readSecret(secrets, 'hub'))!);
    await hub.execute('INSERT INTO smc.t (k, v) VALUES (?, ?)', [1, 'x']);
    await hub.close();

    const second = await authInit(opts);
    assert.deepEqual(second.created, []);
    assert.equal(second.steps[1], 'login');
  } finally {
    await ring.close();
    await rm(dir, { recursive: true, force: true });
  }
});
