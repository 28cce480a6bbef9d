// LAB ONLY. The native protocol (v4) side of a simulated node: handshake (a non-v4 STARTUP is
// refused the way Cassandra refuses it, so the driver steps down), PasswordAuthenticator over
// SASL PLAIN, OPTIONS, QUERY/PREPARE/EXECUTE/BATCH, REGISTER, and the injected faults.
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { CqlError, readTimeout, writeTimeout } from './errors.js';
import { type Column, type Ctx, Engine, type Result } from './engine/index.js';
import type { SimNode } from './node/index.js';
import { type Parsed, parse } from './parser/index.js';
import { CqlSyntaxError } from './lexer.js';
import {
  CONSISTENCY,
  ERR,
  encodeFrame,
  errorBody,
  type Frame,
  FrameReader,
  OP,
  type QueryParams,
  Reader,
  readQueryParams,
  Writer,
} from './protocol.js';
import { decodeValue, encodeValue, type Value, writeTypeOption } from './types.js';

interface Prepared {
  query: string;
  parsed: Parsed;
  keyspace: string | undefined;
  markers: Column[];
}

export class NativeServer {
  readonly engine: Engine;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly prepared = new Map<string, Prepared>();

  constructor(
    private readonly node: SimNode,
    private readonly auth: boolean,
  ) {
    this.engine = new Engine(node);
  }

  listen(port: number): Promise<void> {
    this.server = createServer((s) => this.connection(s));
    return new Promise((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, this.node.self.address, () => resolve());
    });
  }

  /** Close the port and every client connection (drain, stop, an injected drop). */
  close(): Promise<void> {
    for (const s of this.sockets) {
      s.destroy();
    }
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  dropConnections(): void {
    for (const s of this.sockets) {
      s.destroy();
    }
  }

  private connection(sock: Socket): void {
    this.sockets.add(sock);
    sock.setNoDelay(true);
    sock.on('close', () => this.sockets.delete(sock));
    sock.on('error', () => undefined);
    const reader = new FrameReader();
    const conn = {
      ready: false,
      user: undefined as string | undefined,
      keyspace: undefined as string | undefined,
    };
    const send = (f: Frame, opcode: number, body: Buffer, flags = 0): void => {
      if (!sock.destroyed) {
        sock.write(encodeFrame(4, f.stream, opcode, body, flags));
      }
    };
    const fail = (f: Frame, e: unknown): void => {
      if (e instanceof CqlError) {
        send(f, OP.ERROR, errorBody(e.code, e.message, e.extra));
      } else if (e instanceof CqlSyntaxError) {
        send(f, OP.ERROR, errorBody(ERR.SYNTAX, e.message));
      } else {
        send(f, OP.ERROR, errorBody(ERR.SERVER, (e as Error).message ?? String(e)));
      }
    };
    sock.on('data', (chunk) => {
      for (const f of reader.push(chunk)) {
        if (f.version !== 4) {
          const body = errorBody(
            ERR.PROTOCOL,
            `Invalid or unsupported protocol version (${f.version}); supported versions are (3/v3, 4/v4, 5/v5, 6/v6-beta)`,
          );
          sock.end(encodeFrame(4, f.stream, OP.ERROR, body));
          return;
        }
        this.frame(f, conn, send, sock).catch((e) => fail(f, e));
      }
    });
  }

  private async frame(
    f: Frame,
    conn: { ready: boolean; user: string | undefined; keyspace: string | undefined },
    send: (f: Frame, opcode: number, body: Buffer, flags?: number) => void,
    sock: Socket,
  ): Promise<void> {
    const r = new Reader(f.body);
    switch (f.opcode) {
      case OP.STARTUP:
        r.stringMap();
        if (this.auth) {
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
          this.engine.login(user, password);
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
        const markers = this.engine.markerTypes(parsed, conn.keyspace);
        return this.run(f, conn, send, sock, query, parsed, params, markers);
      }
      case OP.PREPARE: {
        const query = r.longString();
        const parsed = parse(query);
        const markers = this.engine.markerTypes(parsed, conn.keyspace);
        const id = createHash('md5')
          .update(`${conn.keyspace ?? ''}\0${query}`)
          .digest();
        this.prepared.set(id.toString('hex'), { query, parsed, keyspace: conn.keyspace, markers });
        const s = parsed.statement;
        const w = new Writer().int(4).shortBytes(id).int(0x0001).int(markers.length);
        const pkIdx =
          'ref' in s && s.type !== 'select' && s.type !== 'createTable'
            ? pkIndexes(this.engine, s.ref, conn.keyspace, parsed)
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
        const p = this.prepared.get(id.toString('hex'));
        if (!p) {
          throw new CqlError(
            ERR.UNPREPARED,
            `Prepared query with ID ${id.toString('hex')} not found`,
            (w) => w.shortBytes(id),
          );
        }
        return this.run(f, conn, send, sock, p.query, p.parsed, params, p.markers);
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
              markers: this.engine.markerTypes(parsed, conn.keyspace),
            };
          } else {
            const id = r.shortBytes();
            p = this.prepared.get(id.toString('hex'));
            if (!p) {
              throw new CqlError(ERR.UNPREPARED, 'Prepared query not found', (w) =>
                w.shortBytes(id),
              );
            }
          }
          const vn = r.short();
          const values = Array.from({ length: vn }, () => r.bytes());
          items.push({ query: p.query, parsed: p.parsed, values, markers: p.markers });
        }
        const consistency = CONSISTENCY[r.short()] ?? 'ONE';
        for (const it of items) {
          await this.fault(it.query, sock, consistency, true);
          await this.engine.execute(it.parsed, {
            ...this.ctx(conn),
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

  private ctx(conn: {
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
  private async fault(
    query: string,
    sock: Socket,
    consistency: string,
    write: boolean,
  ): Promise<'hang' | undefined> {
    const fault = this.node.faultFor(query);
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
        throw new CqlError(
          ERR.UNAVAILABLE,
          `Cannot achieve consistency level ${consistency}`,
          (w) => w.short(4).int(2).int(1),
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

  private async run(
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
    if ((await this.fault(query, sock, consistency, write)) === 'hang') {
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
    const ctx: Ctx = { ...this.ctx(conn), consistency, values };
    if (params.timestamp !== undefined) {
      ctx.timestamp = Number(params.timestamp);
    }
    const result = await this.engine.execute(parsed, ctx);
    if (result.kind === 'keyspace') {
      conn.keyspace = result.ks;
    }
    const { body, flags } = encodeResult(result);
    send(f, OP.RESULT, body, flags);
  }
}

function pkIndexes(
  engine: Engine,
  ref: { ks?: string; table: string },
  keyspace: string | undefined,
  p: Parsed,
): number[] {
  try {
    const schema = engine.schemaOf(ref, keyspace);
    const idx = schema.pk.map((k) => p.markers.indexOf(k));
    return idx.every((i) => i >= 0) ? idx : [];
  } catch {
    return [];
  }
}

export function encodeResult(result: Result): { body: Buffer; flags: number } {
  const w = new Writer();
  let flags = 0;
  if (result.warnings?.length) {
    flags |= 0x08;
    w.stringList(result.warnings);
  }
  switch (result.kind) {
    case 'void':
      w.int(1);
      break;
    case 'keyspace':
      w.int(3).string(result.ks);
      break;
    case 'schema':
      w.int(5).string(result.change).string(result.target).string(result.ks);
      if (result.name !== undefined) {
        w.string(result.name);
      }
      break;
    case 'rows':
      w.int(2).int(0x0001).int(result.columns.length).string(result.ks).string(result.table);
      for (const c of result.columns) {
        w.string(c.name);
        writeTypeOption(w, c.type);
      }
      w.int(result.rows.length);
      for (const row of result.rows) {
        for (const [i, v] of row.entries()) {
          w.bytes(encodeValue(result.columns[i]!.type, v));
        }
      }
      break;
  }
  return { body: w.done(), flags };
}
