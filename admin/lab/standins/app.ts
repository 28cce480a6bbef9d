// Lab stand-in for SMC's app servers (hub, snap, nginx): a tiny HTTP server. GET /alive → 200,
// /version → { id, kind, version, pid }, /slow?ms=N answers late, anything else → who served it.
// On TERM, by default (`--on-term finish`) it stops accepting, finishes the requests in flight,
// then exits. `--on-term exit` exits at once, cutting the requests in flight, as SMC's hubs do
// (node processes with no TERM handler): only draining them in haproxy first drops nothing.
// Faults for the monitor's tests: with `--snapshots DIR` it writes a snapshot file into DIR every
// `--snapshot-every` seconds (default 1), as a snap server does, until GET /control/stop-snapshots
// (or from the start with `--stuck`): it still answers, it only stops making progress.
// GET /control/hang makes it accept connections and never answer again (a hung hub);
// GET /control/stall keeps /alive answering but leaves every other request unanswered (haproxy
// keeps sending it traffic). /stats counts the requests it answered.
// A hub given --cql places projects (placement.ts): POST /projects?id=P puts project P on a
// compute server whose status is `on` in the compute_servers table (or answers the host it
// already has); GET /projects?id=P answers its host (404 when unplaced).
// usage: node app.js --kind hub --id ID --port P --version V [--host ADDR] [--on-term finish|exit] [--ignore-term]
//        [--snapshots DIR [--snapshot-every SEC] [--stuck]]
//        [--cql ADDR,… [--cql-port 9042] [--cql-user hub] --cql-password-file FILE [--keyspace smc]]
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { die, listenOrDie, log, onTerm, parseFlags, portFrom } from './common.js';
import { NoComputeServer, Placer } from './placement.js';

const flags = parseFlags(process.argv.slice(2), ['ignore-term', 'stuck']);
const kind = flags.values.get('kind') ?? 'app';
const id = flags.values.get('id') ?? kind;
const version = flags.values.get('version') ?? '0';
const host = flags.values.get('host') ?? '0.0.0.0';
const port = portFrom(flags.values.get('port'));
const onTermMode = flags.values.get('on-term') ?? 'finish';
if (onTermMode !== 'finish' && onTermMode !== 'exit') {
  die(`bad --on-term ${JSON.stringify(onTermMode)}: expected finish or exit`, 2);
}
if (flags.values.has('fail')) {
  die(flags.values.get('fail') || 'told to fail (--fail)');
}

let inFlight = 0;
let stopping = false;
let hung = false;
let stalled = false;
let answered = 0;

const snapshots = flags.values.get('snapshots');
let snapshotTimer: NodeJS.Timeout | undefined;
if (snapshots) {
  mkdirSync(snapshots, { recursive: true });
  const every = Math.max(0.1, Number(flags.values.get('snapshot-every') ?? 1) || 1);
  let made = 0;
  const snapshot = (): void => {
    made++;
    writeFileSync(
      join(snapshots, `${id.replace(/[^\w.@#-]/g, '_')}.${made % 5}`),
      `${Date.now()}\n`,
    );
  };
  if (flags.switches.has('stuck')) {
    log('--stuck: making no snapshots');
  } else {
    snapshot();
    snapshotTimer = setInterval(snapshot, every * 1000);
  }
}
const idle: (() => void)[] = [];

const cql = flags.values.get('cql');
const placer = cql
  ? new Placer({
      contactPoints: cql.split(',').filter(Boolean),
      port: Number(flags.values.get('cql-port') ?? 9042),
      user: flags.values.get('cql-user') ?? 'hub',
      passwordFile: flags.values.get('cql-password-file') ?? '',
      keyspace: flags.values.get('keyspace') ?? 'smc',
    })
  : undefined;

/** /projects: place a project (POST) or say where it is (GET). */
async function projects(method: string, project: string, res: ServerResponse): Promise<void> {
  if (!placer) {
    return send(res, 404, { error: 'this server places no projects (no --cql)' });
  }
  if (!/^[\w.-]{1,100}$/.test(project)) {
    return send(res, 400, { error: 'give ?id=PROJECT' });
  }
  try {
    if (method === 'POST') {
      const p = await placer.place(project);
      log(`project ${project} ${p.placed ? 'placed on' : 'already on'} ${p.host}`);
      return send(res, p.placed ? 201 : 200, p);
    }
    const host = await placer.lookup(project);
    return host ? send(res, 200, { project, host }) : send(res, 404, { error: 'not placed' });
  } catch (e) {
    const status = e instanceof NoComputeServer ? 503 : 500;
    return send(res, status, { error: (e as Error).message });
  }
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = typeof body === 'string' ? body : `${JSON.stringify(body)}\n`;
  // Once stopping, keep-alive connections close after their last answer.
  res.writeHead(code, {
    'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
    ...(stopping ? { connection: 'close' } : {}),
  });
  res.end(text);
}

const server = createServer((req, res) => {
  inFlight++;
  res.once('close', () => {
    inFlight--;
    if (inFlight === 0) {
      for (const f of idle.splice(0)) {
        f();
      }
    }
  });
  if (hung) {
    return; // accepted, never answered
  }
  const url = new URL(req.url ?? '/', 'http://x');
  const who = { id, kind, version, pid: process.pid };
  if (url.pathname === '/control/stop-snapshots') {
    clearInterval(snapshotTimer);
    log('told to stop making snapshots; still answering');
    return send(res, 200, 'no more snapshots\n');
  }
  if (url.pathname === '/control/hang') {
    log('told to hang: accepting connections, answering none');
    send(res, 200, 'hanging\n');
    hung = true;
    return;
  }
  if (url.pathname === '/control/stall') {
    log('told to stall: answering /alive and /stats, nothing else');
    stalled = true;
    return send(res, 200, 'stalled\n');
  }
  if (url.pathname === '/stats') {
    return send(res, 200, { ...who, requests: answered });
  }
  if (url.pathname === '/alive') {
    return send(res, stopping ? 503 : 200, 'ok\n');
  }
  if (stalled) {
    return; // alive for haproxy's check, serving nothing
  }
  answered++;
  if (url.pathname === '/version') {
    return send(res, 200, who);
  }
  if (url.pathname === '/projects') {
    void projects(req.method ?? 'GET', url.searchParams.get('id') ?? '', res);
    return;
  }
  if (url.pathname === '/slow') {
    const ms = Math.min(Number(url.searchParams.get('ms') ?? 1000) || 0, 60_000);
    setTimeout(() => send(res, 200, { ...who, path: url.pathname, ms }), ms);
    return;
  }
  send(res, 200, { ...who, path: url.pathname });
});
server.keepAliveTimeout = 5000;

// A hung process has nothing to finish: TERM ends it at once (its hung requests die with it).
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  // Once: `--on-term exit` re-raises the signal and needs no handler left to die by it.
  process.prependOnceListener(signal, () => {
    if ((hung || stalled) && !flags.switches.has('ignore-term')) {
      log(`${signal} while hung: exiting`);
      process.exit(0);
    }
  });
}

if (onTermMode === 'exit' && !flags.switches.has('ignore-term')) {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log(`${signal}: exiting at once (--on-term exit), cutting ${inFlight} request(s) in flight`);
      process.kill(process.pid, signal); // no handler left: the default action, as for a node process without one
    });
  }
} else {
  onTerm(
    flags.switches.has('ignore-term'),
    (signal) =>
      new Promise((resolve) => {
        stopping = true;
        log(`${signal}: no new connections; finishing ${inFlight} request(s) in flight`);
        server.close();
        server.closeIdleConnections();
        const done = (): void => {
          server.closeAllConnections();
          resolve();
        };
        if (inFlight === 0) {
          done();
        } else {
          idle.push(done);
        }
      }),
  );
}

listenOrDie(server, port, host, () =>
  log(`${kind} ${id} version ${version} listening on ${host}:${port}`),
);
