// LAB ONLY. Internode messages between simulated nodes: one JSON request and one JSON answer per
// TCP connection to the peer's internode port (7000). A stopped node's port is closed, so its
// peers' messages fail at once, which is how they see it down.
import { connect, createServer, type Server } from 'node:net';

export type Handler = (req: Record<string, unknown>) => Promise<unknown> | unknown;

export function serveRpc(handler: Handler): Server {
  return createServer((sock) => {
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('error', () => undefined);
    sock.on('data', (d: string) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl < 0) {
        return;
      }
      const line = buf.slice(0, nl);
      buf = '';
      Promise.resolve()
        .then(() => handler(JSON.parse(line) as Record<string, unknown>))
        .then(
          (result) => sock.end(`${JSON.stringify({ ok: true, result })}\n`),
          (err: Error) => sock.end(`${JSON.stringify({ ok: false, error: err.message })}\n`),
        );
    });
  });
}

export function call<T>(
  host: string,
  port: number,
  req: Record<string, unknown>,
  timeoutMs = 2000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port });
    let buf = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`timeout talking to ${host}:${port}`));
    }, timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(`${JSON.stringify(req)}\n`));
    sock.on('data', (d: string) => {
      buf += d;
    });
    sock.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    sock.on('end', () => {
      clearTimeout(timer);
      try {
        const r = JSON.parse(buf) as { ok: boolean; result?: T; error?: string };
        if (r.ok) {
          resolve(r.result as T);
        } else {
          reject(new Error(r.error));
        }
      } catch {
        reject(new Error(`bad answer from ${host}:${port}`));
      }
    });
  });
}
