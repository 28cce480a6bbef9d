// The fleet monitor on a lab (item 7 of issue 15): a stuck snap server is found by the progress
// check and healed; a hung hub is found and healed under load through haproxy without a failed
// request (drained first); a unit that fails again after every restart is restarted N times,
// then left alone with one alert; no healing during maintenance or while another operator holds
// the lock; a full disk on one host is critical, naming host and mount; one alert per change,
// to a command hook and to a local SMTP sink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { Deployment } from '../../admin/deployment/index.js';
import type { DeploymentEvent } from '../../admin/deployment/events.js';
import type { Alert, MonitorEvent } from '../../admin/monitor/index.js';
import { startLoad } from '../../admin/cli/demo/load.js';
import { withLab, isRoot } from '../integration/lab-fixture.js';
import { runCli, variant } from '../integration/services/lab.js';

interface Mail {
  to: string;
  text: string;
}

function smtpSink(): Promise<{ port: number; mails: Mail[]; close: () => Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      let text = '';
      stream.on('data', (d: Buffer) => {
        text += String(d);
      });
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), text });
        done();
      });
    },
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.server.address() as { port: number }).port;
      resolve({ port, mails, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/** The monitor's events of one run, until `until` says enough (or the deadline passes). */
async function monitorUntil(
  dep: Deployment,
  until: (events: MonitorEvent[]) => boolean,
  timeoutMs = 90_000,
): Promise<MonitorEvent[]> {
  const events: MonitorEvent[] = [];
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), timeoutMs);
  const run = dep.monitor.run({
    interval: '1s',
    signal: stop.signal,
    onEvent: (e: DeploymentEvent) => {
      if (e.source === 'monitor') {
        events.push(e.event);
        if (until(events)) {
          stop.abort();
        }
      }
    },
  });
  await run;
  clearTimeout(timer);
  return events;
}

const heals = (events: MonitorEvent[], unit: string, outcome?: string) =>
  events.flatMap((e) =>
    e.kind === 'heal' && e.heal.unit === unit && (!outcome || e.heal.outcome === outcome)
      ? [e.heal]
      : [],
  );
const alerts = (events: MonitorEvent[]): Alert[] =>
  events.flatMap((e) => (e.kind === 'alert' ? [e.alert] : []));
/** After the first restart of `unit`, a scan in which all its findings are ok. */
const healedAndOk = (unit: string) => (events: MonitorEvent[]) => {
  const i = events.findIndex(
    (e) => e.kind === 'heal' && e.heal.unit === unit && e.heal.outcome === 'restarted',
  );
  return (
    i >= 0 &&
    events
      .slice(i)
      .some(
        (e) =>
          e.kind === 'scan' &&
          e.scan.findings.filter((f) => f.unit === unit).length > 0 &&
          e.scan.findings.filter((f) => f.unit === unit).every((f) => f.state === 'ok'),
      )
  );
};

test('monitor on a lab: stuck snap and hung hub healed, flap limit, maintenance and lock, full disk, alerts', {
  skip: !isRoot && 'needs root (network namespaces)',
}, async (t) => {
  await withLab(3, async (lab) => {
    const sink = await smtpSink();
    const alertsFile = join(lab.dir, 'alerts.jsonl');
    const hook = join(lab.dir, 'hook.mjs');
    await writeFile(
      hook,
      `import { appendFileSync } from 'node:fs';\nlet t = '';\nprocess.stdin.on('data', (d) => (t += d));\nprocess.stdin.on('end', () => appendFileSync(${JSON.stringify(alertsFile)}, t));\n`,
    );
    const monitor = (
      name: string,
      extra: (doc: Record<string, unknown>) => void = () => undefined,
    ) =>
      variant(lab, name, (doc) => {
        doc.monitor = {
          interval: 1,
          liveness: ['hub', 'snap', 'haproxy'],
          progress: {
            snap: {
              snapshots: '{dir}/snapshots/snap.{instance}',
              max_age: { warning: 3, critical: 4 },
            },
          },
          // The shared test machine's load and memory are not this test's subject.
          resources: {
            load: { warning: 10_000, critical: 10_000 },
            memory: { warning: 100, critical: 100 },
            disk: { warning: 90, critical: 99 },
            inodes: { warning: 90, critical: 99 },
            mounts: ['/srv/full'],
          },
          heal: { snap: { restarts: 2, within: 30 }, hub: null },
          alerts: {
            command: [process.execPath, hook],
            email: { to: 'ops@example.test', smtp: `smtp://127.0.0.1:${sink.port}` },
          },
          history: join(lab.dir, `history-${name}.jsonl`),
        };
        extra(doc as Record<string, unknown>);
      });
    try {
      for (const s of ['hub', 'snap', 'haproxy']) {
        const r = await runCli(lab.servicesFile, 'start', s);
        assert.equal(r.code, 0, r.stdout + r.stderr);
      }
      const file = await monitor('monitor');
      const dep = await Deployment.open(file);
      t.after(() => dep.close());
      const snapCtl = (host: string, what: string) =>
        dep.exec(host, `curl -fsS -m 5 http://127.0.0.1:5200/control/${what}`);

      await t.test('a clean fleet scans ok (exit 0)', async () => {
        const scan = await dep.monitor.scan();
        assert.equal(
          scan.worst,
          'ok',
          JSON.stringify(scan.findings.filter((f) => f.state !== 'ok')),
        );
        assert.equal(scan.exitCode, 0);
        assert.ok(
          scan.findings.some((f) => f.key === 'progress snap#0@cloud1' && f.state === 'ok'),
        );
      });

      await t.test(
        'a stuck snap (answers, no new snapshots) is found by the progress check and healed',
        async () => {
          assert.ok((await snapCtl('cloud1', 'stop-snapshots')).allOk);
          const events = await monitorUntil(dep, healedAndOk('snap#0@cloud1'));
          const critical = events.find(
            (e) =>
              e.kind === 'scan' &&
              e.scan.findings.some(
                (f) => f.key === 'progress snap#0@cloud1' && f.state === 'critical',
              ),
          );
          assert.ok(critical, 'no scan found the stuck snap critical');
          // Alive all along: the liveness check never saw it down.
          assert.ok(
            events.every(
              (e) =>
                e.kind !== 'scan' ||
                e.scan.findings.every(
                  (f) => f.key !== 'liveness snap#0@cloud1' || f.state === 'ok',
                ),
            ),
          );
          assert.equal(heals(events, 'snap#0@cloud1', 'restarted').length, 1);
          // One alert per state change: ok → warning → critical → ok, nothing repeated. A scan
          // that comes late on a loaded machine may see the snapshot age past both thresholds at
          // once: then ok → critical → ok, still one alert per change.
          const mine = alerts(events).filter((a) => a.key === 'progress snap#0@cloud1');
          const changes =
            mine[0]?.to === 'warning' ? ['warning', 'critical', 'ok'] : ['critical', 'ok'];
          assert.deepEqual(
            mine.map((a) => a.to),
            changes,
          );
          const criticalAlert = mine.find((a) => a.to === 'critical')!;
          assert.match(criticalAlert.message, /no new snapshot for \d+s .*alive but stuck/);
          assert.equal(criticalAlert.suggestion.startsWith('salvo restart snap -H cloud1'), true);
          // The same alerts reached the hook and the mail sink.
          const hooked = (await readFile(alertsFile, 'utf8'))
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as Alert)
            .filter((a) => a.key === 'progress snap#0@cloud1');
          assert.deepEqual(
            hooked.map((a) => a.to),
            changes,
          );
          const mailed = sink.mails.filter((m) => m.text.includes('progress snap#0@cloud1'));
          assert.equal(
            mailed.length,
            changes.length,
            sink.mails.map((m) => m.text).join('\n---\n'),
          );
          assert.equal(mailed[0]!.to, 'ops@example.test');
          // The heal went through the rollout engine: journaled.
          const runs = await dep.runs();
          assert.ok(runs.some((r) => r.runId === heals(events, 'snap#0@cloud1')[0]!.runId));
          // A restarted monitor starts from the history: no alert repeated for what did not change.
          const again = await monitorUntil(
            dep,
            (ev) => ev.filter((e) => e.kind === 'scan').length >= 2,
          );
          assert.deepEqual(alerts(again), []);
        },
      );

      await t.test(
        'a hung hub is found and healed under load through haproxy: drained first, 0 failed requests',
        async () => {
          const hung = await dep.exec(
            'cloud2',
            'curl -fsS -m 5 http://127.0.0.1:5000/control/hang',
          );
          assert.ok(hung.allOk, hung[0]!.stdout + hung[0]!.stderr);
          // Requests sent to the hub before haproxy's check saw it hang would hang with it: the
          // load starts once haproxy has taken it out (the monitor's subject is the heal).
          const down = await dep.exec(
            'cloud3',
            'for i in $(seq 100); do echo "show stat" | socat -t 5 stdio UNIX-CONNECT:/srv/salvo/lab/haproxy/admin.sock | grep -q "^hub,cloud2:0,.*,DOWN," && exit 0; sleep 0.2; done; exit 1',
          );
          assert.ok(down.allOk, 'haproxy never marked the hung hub DOWN');
          const load = startLoad(`http://${lab.hosts[2]!.address}:8000/`, 40);
          let events: MonitorEvent[];
          try {
            events = await monitorUntil(dep, healedAndOk('hub#0@cloud2'), 120_000);
          } finally {
            await new Promise((r) => setTimeout(r, 500));
          }
          const report = await load.stop();
          const scanCrit = events.find(
            (e) =>
              e.kind === 'scan' &&
              e.scan.findings.some(
                (f) => f.key === 'liveness hub#0@cloud2' && f.state === 'critical',
              ),
          );
          assert.ok(scanCrit, 'no scan found the hung hub critical');
          assert.equal(
            heals(events, 'hub#0@cloud2', 'restarted').length,
            1,
            JSON.stringify(heals(events, 'hub#0@cloud2')),
          );
          assert.deepEqual(report.errors, []);
          assert.equal(report.failed, 0);
          assert.ok(report.sent > 40, `only ${report.sent} requests`);
        },
      );

      await t.test(
        'a stalled hub (answers /alive, serves nothing) is found by its request counter and healed',
        async () => {
          const hubsFile = await monitor('hubs', (doc) => {
            const m = doc.monitor as { progress: Record<string, unknown> };
            m.progress.hub = { stalled_scans: { warning: 1, critical: 2 } };
          });
          const hubs = await Deployment.open(hubsFile);
          // Traffic through haproxy, each request given up after 1 s (the stalled hub never answers).
          const stop = new AbortController();
          const url = `http://${lab.hosts[2]!.address}:8000/`;
          const traffic = (async () => {
            while (!stop.signal.aborted) {
              await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
                (r) => r.text(),
                () => undefined,
              );
              await new Promise((r) => setTimeout(r, 20));
            }
          })();
          try {
            const stalled = await hubs.exec(
              'cloud1',
              'curl -fsS -m 5 http://127.0.0.1:5001/control/stall',
            );
            assert.ok(stalled.allOk, stalled[0]!.stdout + stalled[0]!.stderr);
            const events = await monitorUntil(hubs, healedAndOk('hub#1@cloud1'), 120_000);
            const found = events.flatMap((e) =>
              e.kind === 'scan'
                ? e.scan.findings.filter(
                    (f) => f.key === 'progress hub#1@cloud1' && f.state === 'critical',
                  )
                : [],
            );
            assert.ok(found.length > 0, 'no scan found the stalled hub critical');
            assert.match(
              found[0]!.message,
              /haproxy sent it \d+ request\(s\) since the last scan and its counter stayed at \d+ \(2 scan\(s\) in a row\): alive but stuck/,
            );
            // haproxy's check and the liveness probe saw it alive all along.
            for (const e of events) {
              if (e.kind === 'scan') {
                assert.equal(
                  e.scan.findings.find((f) => f.key === 'liveness hub#1@cloud1')?.state,
                  'ok',
                );
              }
            }
            assert.equal(heals(events, 'hub#1@cloud1', 'restarted').length, 1);
          } finally {
            stop.abort();
            await traffic;
            await hubs.close();
          }
        },
      );

      await t.test(
        'maintenance on: found, not healed; another operator holding the lock: not healed',
        async () => {
          const on = await dep.monitor.setMaintenance(true, { reason: 'test' });
          assert.equal(on.on, true);
          assert.match(on.where, /^cloud1:\/srv\/salvo\/lab\/maintenance$/);
          assert.ok((await snapCtl('cloud2', 'stop-snapshots')).allOk);
          const during = await monitorUntil(dep, (ev) => heals(ev, 'snap#0@cloud2').length >= 2);
          assert.deepEqual(
            heals(during, 'snap#0@cloud2').map((h) => [
              h.outcome,
              /maintenance is on/.test(h.reason ?? ''),
            ]),
            [
              ['skipped', true],
              ['skipped', true],
            ],
          );
          assert.equal((await dep.monitor.setMaintenance(false)).on, false);
          // Another operator (another Deployment: another process, as far as the lock goes).
          const other = await Deployment.open(file);
          try {
            const locked = await other.locked('operator at work', async () =>
              monitorUntil(dep, (ev) => heals(ev, 'snap#0@cloud2').length >= 2),
            );
            for (const h of heals(locked, 'snap#0@cloud2')) {
              assert.equal(h.outcome, 'skipped');
              assert.match(h.reason ?? '', /locked: .*operator at work/);
            }
          } finally {
            await other.close();
          }
          // Lock released, maintenance off: healed now.
          const after = await monitorUntil(dep, healedAndOk('snap#0@cloud2'));
          assert.equal(heals(after, 'snap#0@cloud2', 'restarted').length, 1);
        },
      );

      await t.test(
        'a unit failing after every restart: restarted N=2 times, then unmonitored with one alert',
        async () => {
          // This file's snap makes no snapshots after a restart (--stuck): every restart "fails".
          const flapFile = await monitor('flap', (doc) => {
            const services = doc.services as Record<string, { command: string[] }>;
            services.snap!.command = [...services.snap!.command, '--stuck'];
          });
          const flap = await Deployment.open(flapFile);
          try {
            assert.ok((await snapCtl('cloud2', 'stop-snapshots')).allOk);
            const unit = 'snap#0@cloud2';
            let unmonitoredAt = -1;
            const events = await monitorUntil(
              flap,
              (ev) => {
                if (unmonitoredAt < 0 && heals(ev, unit, 'unmonitored').length) {
                  unmonitoredAt = ev.length;
                }
                // Three more scans after giving up: it stays alone.
                return (
                  unmonitoredAt >= 0 &&
                  ev.slice(unmonitoredAt).filter((e) => e.kind === 'scan').length >= 3
                );
              },
              150_000,
            );
            assert.equal(
              heals(events, unit, 'restarted').length,
              2,
              JSON.stringify(heals(events, unit)),
            );
            assert.equal(heals(events, unit, 'unmonitored').length, 1);
            const gaveUp = alerts(events).filter((a) => a.to === 'unmonitored');
            assert.equal(gaveUp.length, 1);
            assert.equal(gaveUp[0]!.unit, unit);
            assert.match(
              gaveUp[0]!.message,
              /still critical after 2 restart\(s\) within 30 scans; no longer healed/,
            );
            const history = await flap.monitor.history({ subject: unit });
            assert.ok(history.some((r) => r.type === 'change' && r.to === 'unmonitored'));
            const cli = await runCli(flapFile, 'monitor', 'history', unit);
            assert.equal(cli.code, 0, cli.stderr);
            assert.match(cli.stdout, /heal snap#0@cloud2 +critical → unmonitored|unmonitored/);
          } finally {
            await flap.close();
            await runCli(lab.servicesFile, 'restart', 'snap', '-H', 'cloud2');
          }
        },
      );

      await t.test(
        'two monitors elect one; when the active one goes, the standby takes over',
        async () => {
          const other = await Deployment.open(file);
          const a = new AbortController();
          const b = new AbortController();
          const eventsA: MonitorEvent[] = [];
          const eventsB: MonitorEvent[] = [];
          const listen =
            (into: MonitorEvent[], then: (e: MonitorEvent) => void = () => undefined) =>
            (e: DeploymentEvent) => {
              if (e.source === 'monitor') {
                into.push(e.event);
                then(e.event);
              }
            };
          const firstScanA = new Promise<void>((resolve) => {
            const runA = dep.monitor.run({
              interval: '1s',
              signal: a.signal,
              onEvent: listen(eventsA, (e) => e.kind === 'scan' && resolve()),
            });
            void runA.then(() => resolve());
          });
          try {
            await firstScanA;
            const runB = other.monitor.run({
              interval: '1s',
              signal: b.signal,
              onEvent: listen(eventsB, (e) => {
                if (e.kind === 'standby') {
                  a.abort(); // the active monitor goes away
                }
                if (e.kind === 'scan') {
                  b.abort();
                }
              }),
            });
            const timer = setTimeout(() => b.abort(), 90_000);
            await runB;
            clearTimeout(timer);
            assert.deepEqual(
              eventsB.filter((e) => e.kind === 'standby' || e.kind === 'active').map((e) => e.kind),
              ['standby', 'active'],
            );
            assert.ok(
              eventsB.some((e) => e.kind === 'scan'),
              'the standby never scanned',
            );
            assert.equal(eventsA[0]!.kind, 'active');
          } finally {
            a.abort();
            b.abort();
            await other.close();
          }
        },
      );

      await t.test(
        'a full disk on one host: critical naming host and mount; scan exits 2',
        async () => {
          const full = await dep.exec(
            'cloud2',
            'mkdir -p /srv/full && mount -t tmpfs -o size=256k tmpfs /srv/full && (dd if=/dev/zero of=/srv/full/fill bs=4k 2>/dev/null; true) && df -P /srv/full',
          );
          assert.ok(full.allOk, full[0]!.stdout + full[0]!.stderr);
          try {
            const scan = await dep.monitor.scan();
            const disk = scan.findings.filter((f) => f.check === 'disk');
            assert.deepEqual(
              disk.map((f) => [f.key, f.state]),
              [['disk cloud2:/srv/full', 'critical']],
            );
            assert.match(
              disk[0]!.message,
              /^cloud2:\/srv\/full: disk 100% used \(critical at 99\)$/,
            );
            const cli = await runCli(file, 'monitor', 'scan');
            assert.equal(cli.code, 2, cli.stdout + cli.stderr);
            assert.match(cli.stdout, /critical +disk +cloud2:\/srv\/full: disk 100% used/);
            const json = await runCli(file, 'monitor', 'scan', '--json');
            assert.equal(json.code, 2);
            assert.equal((JSON.parse(json.stdout) as { worst: string }).worst, 'critical');
          } finally {
            await dep.exec('cloud2', 'umount /srv/full; rmdir /srv/full');
          }
        },
      );

      // Last: it takes a host away.
      await t.test('a host that does not answer: unreachable, scan exits 3', async () => {
        process.kill(lab.hosts[1]!.sshdPid, 'SIGTERM');
        const cli = await runCli(file, 'monitor', 'scan');
        assert.equal(cli.code, 3, cli.stdout + cli.stderr);
        assert.match(cli.stdout, /^unreachable +reach +cloud2: /m);
        assert.match(cli.stdout, /^UNREACHABLE: /m);
      });
    } finally {
      await sink.close();
    }
  });
});
