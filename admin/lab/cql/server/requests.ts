// LAB ONLY. One request frame of a connection: the handshake (STARTUP, SASL PLAIN, OPTIONS,
// REGISTER), then QUERY/PREPARE/EXECUTE/BATCH through the engine, with the injected faults.
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import { CqlError, readTimeout, writeTimeout } from '../errors.js';
import type { Column, Ctx, Engine } from '../engine/index.js';
import type { SimNode } from '../node/index.js';
import { type Parsed, parse } from '../parser/index.js';
import {
  CONSISTENCY,
  ERR,
  encodeFrame,
  errorBody,
  type Frame,
  OP,
  type QueryParams,
  Reader,
  readQueryParams,
  Writer,
} from '../protocol.js';
import { decodeValue, type Value, writeTypeOption } from '../types.js';
import { encodeResult, pkIndexes } from './results.js';

/** A statement prepared on this node, by its id (hex). */
export interface Prepared {
  query: string;
  parsed: Parsed;
  keyspace: string | undefined;
  markers: Column[];
}

/**
 * What a request needs from its server: the node, its engine, whether it authenticates, and the
 * statements prepared on it.
 */
export interface Serving {
  node: SimNode;
  engine: Engine;
  auth: boolean;
  prepared: Map<string, Prepared>;
}

export async function frame(
  server: Serving,
  f: Frame,
  conn: { ready: boolean; user: string | undefined; keyspace: string | undefined },
  send: (f: Frame, opcode: number, body: Buffer, flags?: number) => void,
  sock: Socket,
): Promise<void> {
  const r = new Reader(f.body);
  switch (f.opcode) {
    case OP.STARTUP:
      r.stringMap();
      if (server.auth) {
        return send(
          f,
          OP.AUTHENTICATE,
          new Writer().string('org.apache.cassandra.auth.PasswordAuthenticator').done(),
        );
      }
      conn.ready = true;
      return send(f, OP.READY, Buffer.alloc(0));
    case OP.AUTH_RESPONSE: {
      const token = r.bytes() ?? Buffer.alloc(0);
      const [, user = '', password = ''] = token.toString('utf8').split('\0');
      try {
        server.engine.login(user, password);
      } catch (e) {
        const err = e as CqlError;
        sock.end(encodeFrame(4, f.stream, OP.ERROR, errorBody(err.code, err.message)));
        return;
      }
      conn.ready = true;
      conn.user = user;
      return send(f, OP.AUTH_SUCCESS, new Writer().bytes(null).done());
    }
    case OP.OPTIONS:
      return send(
        f,
        OP.SUPPORTED,
        new Writer()
          .short(3)
          .string('CQL_VERSION')
          .stringList(['3.4.5'])
          .string('COMPRESSION')
          .stringList([])
          .string('PROTOCOL_VERSIONS')
          .stringList(['3/v3', '4/v4', '5/v5'])
          .done(),
      );
    case OP.REGISTER:
      return send(f, OP.READY, Buffer.alloc(0));
  }
  if (!conn.ready) {
    throw new CqlError(ERR.PROTOCOL, 'Unexpected message, expecting STARTUP or AUTH_RESPONSE');
  }
  switch (f.opcode) {
    case OP.QUERY: {
      const query = r.longString();
      const params = readQueryParams(r);
      const parsed = parse(query);
      const markers = server.engine.markerTypes(parsed, conn.keyspace);
      return run(server, f, conn, send, sock, query, parsed, params, markers);
    }
    case OP.PREPARE: {
      const query = r.longString();
      const parsed = parse(query);
      const markers = server.engine.markerTypes(parsed, conn.keyspace);
      const id = createHash('md5')
        .update(`${conn.keyspace ?? ''}\0${query}`)
        .digest();
      server.prepared.set(id.toString('hex'), { query, parsed, keyspace: conn.keyspace, markers });
      const s = parsed.statement;
      const w = new Writer().int(4).shortBytes(id).int(0x0001).int(markers.length);
      const pkIdx =
        'ref' in s && s.type !== 'select' && s.type !== 'createTable'
          ? pkIndexes(server.engine, s.ref, conn.keyspace, parsed)
          : [];
      w.int(pkIdx.length);
      for (const i of pkIdx) {
        w.short(i);
      }
      const ref = 'ref' in s ? s.ref : undefined;
      w.string(ref?.ks ?? conn.keyspace ?? '').string(ref?.table ?? '');
      for (const m of markers) {
        w.string(m.name);
        writeTypeOption(w, m.type);
      }
      w.int(0x0004).int(0);
      return send(f, OP.RESULT, w.done());
    }
    case OP.EXECUTE: {
      const id = r.shortBytes();
      const params = readQueryParams(r);
      const p = server.prepared.get(id.toString('hex'));
      if (!p) {
        throw new CqlError(
          ERR.UNPREPARED,
          `Prepared query with ID ${id.toString('hex')} not found`,
          (w) => w.shortBytes(id),
        );
      }
      return run(server, f, conn, send, sock, p.query, p.parsed, params, p.markers);
    }
    case OP.BATCH: {
      r.byte();
      const n = r.short();
      const items: {
        query: string;
        parsed: Parsed;
        values: (Buffer | null | undefined)[];
        markers: Column[];
      }[] = [];
      for (let i = 0; i < n; i++) {
        const kind = r.byte();
        let p: Prepared | undefined;
        if (kind === 0) {
          const query = r.longString();
          const parsed = parse(query);
          p = {
            query,
            parsed,
            keyspace: conn.keyspace,
            markers: server.engine.markerTypes(parsed, conn.keyspace),
          };
        } else {
          const id = r.shortBytes();
          p = server.prepared.get(id.toString('hex'));
          if (!p) {
            throw new CqlError(ERR.UNPREPARED, 'Prepared query not found', (w) => w.shortBytes(id));
          }
        }
        const vn = r.short();
        const values = Array.from({ length: vn }, () => r.bytes());
        items.push({ query: p.query, parsed: p.parsed, values, markers: p.markers });
      }
      const consistency = CONSISTENCY[r.short()] ?? 'ONE';
      for (const it of items) {
        await fault(server.node, it.query, sock, consistency, true);
        await server.engine.execute(it.parsed, {
          ...baseCtx(conn),
          consistency,
          values: it.values.map((v, i) => decodeValue(it.markers[i]!.type, v)),
        });
      }
      return send(f, OP.RESULT, new Writer().int(1).done());
    }
    default:
      throw new CqlError(ERR.PROTOCOL, `Unexpected opcode ${f.opcode}`);
  }
}

function baseCtx(conn: {
  user: string | undefined;
  keyspace: string | undefined;
}): Omit<Ctx, 'consistency' | 'values'> {
  const c: Omit<Ctx, 'consistency' | 'values'> = {};
  if (conn.user !== undefined) {
    c.user = conn.user;
  }
  if (conn.keyspace !== undefined) {
    c.keyspace = conn.keyspace;
  }
  return c;
}

/** Apply the injected fault this statement meets, if any: throws, waits, or drops the connection. */
async function fault(
  node: SimNode,
  query: string,
  sock: Socket,
  consistency: string,
  write: boolean,
): Promise<'hang' | undefined> {
  const fault = node.faultFor(query);
  if (!fault) {
    return undefined;
  }
  switch (fault.kind) {
    case 'timeout':
      throw write ? writeTimeout(consistency, 0, 1) : readTimeout(consistency, 0, 1);
    case 'overloaded':
      throw new CqlError(
        ERR.OVERLOADED,
        'Server is in overloaded state. Cannot accept more requests at this point',
      );
    case 'unavailable':
      throw new CqlError(ERR.UNAVAILABLE, `Cannot achieve consistency level ${consistency}`, (w) =>
        w.short(4).int(2).int(1),
      );
    case 'drop':
      sock.destroy();
      return 'hang';
    case 'hang':
      return 'hang';
    case 'delay':
      await new Promise((r) => setTimeout(r, fault.ms ?? 1000));
      return undefined;
  }
}

async function run(
  server: Serving,
  f: Frame,
  conn: { user: string | undefined; keyspace: string | undefined },
  send: (f: Frame, opcode: number, body: Buffer, flags?: number) => void,
  sock: Socket,
  query: string,
  parsed: Parsed,
  params: QueryParams,
  markers: Column[],
): Promise<void> {
  const consistency = CONSISTENCY[params.consistency] ?? 'ONE';
  const write = parsed.statement.type !== 'select';
  if ((await fault(server.node, query, sock, consistency, write)) === 'hang') {
    return;
  }
  let raw = params.values;
  if (params.names) {
    raw = markers.map((m) => {
      const i = params.names!.indexOf(m.name);
      return i < 0 ? undefined : params.values[i];
    });
  }
  const values: (Value | undefined)[] = raw.map((v, i) =>
    markers[i] ? decodeValue(markers[i]!.type, v) : undefined,
  );
  const ctx: Ctx = { ...baseCtx(conn), consistency, values };
  if (params.timestamp !== undefined) {
    ctx.timestamp = Number(params.timestamp);
  }
  const result = await server.engine.execute(parsed, ctx);
  if (result.kind === 'keyspace') {
    conn.keyspace = result.ks;
  }
  const { body, flags } = encodeResult(result);
  send(f, OP.RESULT, body, flags);
}
