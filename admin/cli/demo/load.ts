// A steady HTTP load for the zero-drop demo and test: `rps` GETs a second to one URL (the lab's
// haproxy), counting every answer that is not a 2xx, every connection error and every timeout.
// A share of the requests ask for `/slow?ms=N` (the stand-ins answer it late), so every backend
// always has requests in flight: a backend stopped without draining cuts some, and that shows.
import { Agent, get } from 'node:http';

export interface LoadReport {
  sent: number;
  ok: number;
  failed: number;
  /** Of `sent`, how many went to the slow path. */
  slow: number;
  durationMs: number;
  /** The first few failures, in words. */
  errors: string[];
  /** Which backends answered (the stand-ins report their id): proof the load went everywhere. */
  servedBy: Map<string, number>;
}

export interface Load {
  /** Stop sending, wait for the requests in flight, report. */
  stop(): Promise<LoadReport>;
}

export interface LoadOptions {
  /** Share of requests sent to `/slow?ms=slowMs` (0..1). Picked at random, not every Nth: a fixed
   * pattern could line up with haproxy's round robin and load one backend only. */
  slowShare?: number;
  slowMs?: number;
  timeoutMs?: number;
}

/** 150 req/s with a third at 500 ms: about 25 requests in flight, ~6 on each of the lab's 4 hubs. */
export const SLOW_SHARE = 1 / 3;
export const SLOW_MS = 500;

const TICK_MS = 10;

export function startLoad(url: string, rps: number, options: LoadOptions = {}): Load {
  const { slowShare = SLOW_SHARE, slowMs = SLOW_MS, timeoutMs = 5000 } = options;
  const slowUrl = new URL(`/slow?ms=${slowMs}`, url).href;
  // Enough sockets that slow requests never queue in the agent (a queued request is not in flight).
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const r: LoadReport = {
    sent: 0,
    ok: 0,
    failed: 0,
    slow: 0,
    durationMs: 0,
    errors: [],
    servedBy: new Map(),
  };
  const inFlight = new Set<Promise<void>>();
  const started = Date.now();
  const fail = (why: string): void => {
    r.failed++;
    if (r.errors.length < 10) {
      r.errors.push(why);
    }
  };
  const one = (): void => {
    r.sent++;
    const slow = Math.random() < slowShare;
    if (slow) {
      r.slow++;
    }
    const p = new Promise<void>((resolve) => {
      const req = get(slow ? slowUrl : url, { agent, timeout: timeoutMs }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => {
          record(r, res.statusCode ?? 0, body, fail);
          resolve();
        });
        res.on('error', (e) => {
          fail(`response: ${e.message}`);
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
      req.on('error', (e) => {
        fail(e.message);
        resolve();
      });
    });
    inFlight.add(p);
    void p.then(() => inFlight.delete(p));
  };
  // Send on a fixed schedule (not "next when the last answered"), so a stall shows as failures.
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - started) * rps) / 1000) - r.sent;
    for (let i = 0; i < due; i++) {
      one();
    }
  }, TICK_MS);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all([...inFlight]);
      agent.destroy();
      r.durationMs = Date.now() - started;
      return r;
    },
  };
}

function record(r: LoadReport, status: number, body: string, fail: (why: string) => void): void {
  if (status < 200 || status > 299) {
    fail(`HTTP ${status}: ${body.trim().slice(0, 80)}`);
    return;
  }
  r.ok++;
  const id = /"id":"([^"]+)"/.exec(body)?.[1];
  if (id) {
    r.servedBy.set(id, (r.servedBy.get(id) ?? 0) + 1);
  }
}
