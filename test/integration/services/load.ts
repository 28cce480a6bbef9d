// A steady HTTP load for the zero-drop checks: `concurrency` loops, each sending one GET after
// another (a new connection per request, like the lab's httpload.js), counting every failure.
import { request } from 'node:http';

export interface LoadReport {
  sent: number;
  ok: number;
  failed: number;
  errors: string[];
  servedBy: Record<string, number>;
}

function once(
  url: string,
  timeoutMs: number,
): Promise<{ ok: boolean; body: string; error?: string }> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () =>
        resolve({
          ok: res.statusCode === 200,
          body,
          ...(res.statusCode === 200 ? {} : { error: `HTTP ${res.statusCode}` }),
        }),
      );
      res.on('error', (e) => resolve({ ok: false, body, error: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ ok: false, body: '', error: e.message }));
    req.end();
  });
}

/** Run until `stop` resolves; pace each loop to about `perLoopRps` requests per second. */
export async function load(
  url: string,
  stop: Promise<unknown>,
  concurrency = 8,
  perLoopRps = 25,
): Promise<LoadReport> {
  const report: LoadReport = { sent: 0, ok: 0, failed: 0, errors: [], servedBy: {} };
  let done = false;
  void stop.finally(() => {
    done = true;
  });
  const loop = async (): Promise<void> => {
    while (!done) {
      const started = Date.now();
      report.sent++;
      const r = await once(url, 5000);
      if (r.ok) {
        report.ok++;
        const id = (JSON.parse(r.body) as { id?: string }).id ?? '?';
        report.servedBy[id] = (report.servedBy[id] ?? 0) + 1;
      } else {
        report.failed++;
        if (report.errors.length < 20) {
          report.errors.push(r.error ?? 'failed');
        }
      }
      const wait = 1000 / perLoopRps - (Date.now() - started);
      if (wait > 0) {
        await new Promise((res) => setTimeout(res, wait));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return report;
}

export interface UnderLoad<T> {
  result: T;
  report: LoadReport;
  seconds: number;
}

/**
 * `work` while `load` runs against `url`: the load starts `settleMs` before it and goes on
 * `settleMs` after it, so the moments just around the work are measured too.
 */
export async function duringLoad<T>(
  url: string,
  work: () => Promise<T>,
  concurrency = 8,
  settleMs = 500,
): Promise<UnderLoad<T>> {
  let finish!: () => void;
  const started = Date.now();
  const traffic = load(
    url,
    new Promise<void>((r) => {
      finish = r;
    }),
    concurrency,
    25,
  );
  const pause = (): Promise<void> => new Promise((r) => setTimeout(r, settleMs));
  try {
    await pause();
    const result = await work();
    await pause();
    finish();
    return { result, report: await traffic, seconds: (Date.now() - started) / 1000 };
  } finally {
    finish(); // also when `work` throws: the load loops must end
  }
}
