// LAB ONLY. The native protocol (v4) side of a simulated node: handshake (a non-v4 STARTUP is
// refused the way Cassandra refuses it, so the driver steps down), PasswordAuthenticator over
// SASL PLAIN, OPTIONS, QUERY/PREPARE/EXECUTE/BATCH, REGISTER, and the injected faults. The
// NativeServer holds the port, its connections and the prepared statements; requests.ts handles
// each request frame, results.ts encodes the RESULT bodies.
import { createServer, type Server, type Socket } from 'node:net';
import { CqlError } from '../errors.js';
import { Engine } from '../engine/index.js';
import type { SimNode } from '../node/index.js';
import { CqlSyntaxError } from '../lexer.js';
import { ERR, encodeFrame, errorBody, type Frame, FrameReader, OP } from '../protocol.js';
import { frame, type Serving } from './requests.js';

export { encodeResult } from './results.js';

export class NativeServer {
  readonly engine: Engine;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly serving: Serving;

  constructor(
    private readonly node: SimNode,
    auth: boolean,
  ) {
    this.engine = new Engine(node);
    this.serving = { node, engine: this.engine, auth, prepared: new Map() };
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
        frame(this.serving, f, conn, send, sock).catch((e) => fail(f, e));
      }
    });
  }
}
