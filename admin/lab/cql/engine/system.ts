// LAB ONLY. The system tables the driver and cqlsh read (system.local/peers, system_schema,
// system_auth.roles): their schemas and rows, made from the node's view of the ring and its meta.
import type { SimNode } from '../node/index.js';
import { hostIdOf, tokenOf } from '../ring.js';
import { mapOf, setOf, T, type CqlType, type Value } from '../types.js';
import type { Column, Schema } from './context.js';

const hostIdFor = hostIdOf;
const tokenFor = (a: string): string => tokenOf(a).toString();

export function virtualSchema(ks: string, table: string): Schema | undefined {
  const cols = (...c: [string, CqlType][]): Column[] => c.map(([name, type]) => ({ name, type }));
  const common: [string, CqlType][] = [
    ['data_center', T.text],
    ['host_id', T.uuid],
    ['rack', T.text],
    ['release_version', T.text],
    ['rpc_address', T.inet],
    ['schema_version', T.uuid],
    ['tokens', setOf(T.text)],
  ];
  if (ks === 'system' && table === 'local') {
    return {
      ks,
      table,
      columns: cols(
        ['key', T.text],
        ['bootstrapped', T.text],
        ['broadcast_address', T.inet],
        ['cluster_name', T.text],
        ['cql_version', T.text],
        ['listen_address', T.inet],
        ['native_protocol_version', T.text],
        ['partitioner', T.text],
        ...common,
      ),
      pk: ['key'],
      ck: [],
    };
  }
  if (ks === 'system' && table === 'peers') {
    return { ks, table, columns: cols(['peer', T.inet], ...common), pk: ['peer'], ck: [] };
  }
  if (ks === 'system_schema' && table === 'keyspaces') {
    return {
      ks,
      table,
      columns: cols(
        ['keyspace_name', T.text],
        ['durable_writes', T.boolean],
        ['replication', mapOf(T.text, T.text)],
      ),
      pk: ['keyspace_name'],
      ck: [],
    };
  }
  if (ks === 'system_schema' && table === 'tables') {
    return {
      ks,
      table,
      columns: cols(['keyspace_name', T.text], ['table_name', T.text]),
      pk: ['keyspace_name'],
      ck: ['table_name'],
    };
  }
  if (ks === 'system_schema' && table === 'columns') {
    return {
      ks,
      table,
      columns: cols(
        ['keyspace_name', T.text],
        ['table_name', T.text],
        ['column_name', T.text],
        ['kind', T.text],
        ['position', T.int],
        ['type', T.text],
      ),
      pk: ['keyspace_name'],
      ck: ['table_name', 'column_name'],
    };
  }
  if (ks === 'system_auth' && table === 'roles') {
    return {
      ks,
      table,
      columns: cols(
        ['role', T.text],
        ['can_login', T.boolean],
        ['is_superuser', T.boolean],
        ['member_of', setOf(T.text)],
      ),
      pk: ['role'],
      ck: [],
    };
  }
  return undefined;
}

export function virtualRows(
  node: SimNode,
  ks: string,
  table: string,
): Record<string, Value>[] | undefined {
  const n = node;
  const nodeRow = (address: string, release: string | undefined, schema: string | undefined) => {
    const m = n.members.find((x) => x.address === address)!;
    return {
      data_center: m.dc,
      rack: m.rack,
      host_id: hostIdFor(address),
      release_version: release ?? n.o.release,
      rpc_address: address,
      schema_version: schema ?? n.store.schemaVersion(),
      tokens: [tokenFor(address)],
    };
  };
  if (ks === 'system' && table === 'local') {
    return [
      {
        key: 'local',
        bootstrapped: 'COMPLETED',
        broadcast_address: n.self.address,
        cluster_name: n.o.clusterName,
        cql_version: '3.4.5',
        listen_address: n.self.address,
        native_protocol_version: '4',
        partitioner: 'org.apache.cassandra.dht.Murmur3Partitioner',
        ...nodeRow(n.self.address, n.o.release, n.store.schemaVersion()),
      },
    ];
  }
  if (ks === 'system' && table === 'peers') {
    return n.others().map((m) => {
      const v = n.peers.get(m.address);
      return { peer: m.address, ...nodeRow(m.address, v?.release, v?.schemaVersion) };
    });
  }
  const liveKs = Object.entries(node.store.meta.keyspaces).filter(([, d]) => !d.dropped);
  const liveTables = Object.entries(node.store.meta.tables).filter(([, d]) => !d.dropped);
  if (ks === 'system_schema' && table === 'keyspaces') {
    return liveKs.map(([name, d]) => ({
      keyspace_name: name,
      durable_writes: true,
      replication: Object.entries(d.replication).map(([k, v]) => [
        k,
        k === 'class' && !v.includes('.') ? `org.apache.cassandra.locator.${v}` : v,
      ]),
    }));
  }
  if (ks === 'system_schema' && table === 'tables') {
    return liveTables.map(([k]) => {
      const [kn, tn] = k.split('.');
      return { keyspace_name: kn!, table_name: tn! };
    });
  }
  if (ks === 'system_schema' && table === 'columns') {
    return liveTables.flatMap(([k, d]) => {
      const [kn, tn] = k.split('.');
      return d.columns.map((c) => ({
        keyspace_name: kn!,
        table_name: tn!,
        column_name: c.name,
        kind: columnKind(d, c.name),
        position:
          columnKind(d, c.name) === 'regular'
            ? -1
            : Math.max(d.pk.indexOf(c.name), d.ck.indexOf(c.name)),
        type: c.type,
      }));
    });
  }
  if (ks === 'system_auth' && table === 'roles') {
    return Object.entries(node.store.meta.roles)
      .filter(([, r]) => !r.dropped)
      .map(([role, r]) => ({
        role,
        can_login: r.login,
        is_superuser: r.superuser,
        member_of: r.memberOf,
      }));
  }
  return undefined;
}

function columnKind(d: { pk: string[]; ck: string[] }, name: string): string {
  if (d.pk.includes(name)) {
    return 'partition_key';
  }
  return d.ck.includes(name) ? 'clustering' : 'regular';
}
