// qemu guests on a 3-host lab (root; TCG here): (1) time from `salvo vm start vm1` to the guest's
// SSH banner, against the same qemu started by hand with the very arguments Salvo used (read from
// /proc/PID/cmdline of Salvo's qemu), tap and overlay made by hand too; target ≤ 1.1×. (2) start
// of 6 guests across 3 hosts: `salvo vm start all` (one per host per batch) and `--per-host 2`.
// The banner is polled from this process every 50 ms for both, so both are timed the same way.
// A loaded machine gives meaningless numbers: nothing is recorded when the 1-minute load is above
// the core count at the start or end (`--force` records anyway, marked; `--no-record` measures
// and prints, whatever the load, and writes nothing).
//   node dist/bench/vm/run.js [--runs 3] [--force | --no-record]
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { connect } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labAddVms, labDown, labUp } from '../../admin/lab/index.js';
import { runBench, writeRecord } from '../suite/record.js';
import { type Target, target } from '../suite/targets.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SALVO = join(ROOT, 'bin/salvo');
const LIMIT = 1.1;

function run(argv: string[]): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    const c = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    c.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    c.on('close', (code) => done({ code: code ?? 1, out }));
  });
}

/** The guest's SSH banner: resolves when `SSH-2.0` comes from address:22. */
function banner(address: string): Promise<boolean> {
  return new Promise((done) => {
    const s = connect({ host: address, port: 22, timeout: 1000 });
    let got = '';
    const end = (ok: boolean): void => {
      s.destroy();
      done(ok);
    };
    s.on('data', (d) => {
      got += d.toString();
      if (got.startsWith('SSH-2.0')) {
        end(true);
      }
    });
    s.on('error', () => end(false));
    s.on('timeout', () => end(false));
    s.on('close', () => end(got.startsWith('SSH-2.0')));
  });
}

/** Set when the run failed: every banner poll stops. */
const cancelled = { yes: false };

async function untilBanner(address: string, t0: number, limitS = 600): Promise<number> {
  for (;;) {
    if (cancelled.yes) {
      throw new Error('cancelled');
    }
    if (await banner(address)) {
      return (performance.now() - t0) / 1000;
    }
    if (performance.now() - t0 > limitS * 1000) {
      throw new Error(`${address}: no SSH banner after ${limitS} s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function loaded(): string | undefined {
  const [l1] = loadavg();
  return l1! > cpus().length ? `load ${l1!.toFixed(2)} on ${cpus().length} cores` : undefined;
}

async function main(argv: string[]): Promise<number> {
  const i = argv.indexOf('--runs');
  const runs = i >= 0 ? Number(argv[i + 1]) : 3;
  const noRecord = argv.includes('--no-record');
  const force = argv.includes('--force') || noRecord;
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error('--runs: expected a positive integer');
  }
  const busy = loaded();
  if (busy && !force) {
    process.stdout.write(`machine loaded (${busy}): not measuring (--force to measure anyway)\n`);
    return 2;
  }
  const dir = await mkdtemp(join(tmpdir(), 'salvo-bench-vm-'));
  try {
    const lab = await labUp({ hosts: 3, dir });
    await labAddVms(dir, 6); // vm1,vm2 on cloud1; vm3,vm4 on cloud2; vm5,vm6 on cloud3
    const file = lab.servicesFile;
    // The gate probes every 0.2 s, so Salvo's side is not rounded up to a 1 s probe interval.
    const text = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      text.replace(/^( {4}dir: \S+)$/m, '$1\n    gate: { passes: 1, interval: 0.2, timeout: 600 }'),
    );
    const salvo = (...args: string[]) => run([SALVO, '-s', file, ...args]);
    const cloud1 = lab.hosts[0]!;
    const addr = (g: string): string => {
      const m = new RegExp(`^ {2}${g}: \\{ vm_on: \\S+, address: (\\S+) \\}`, 'm').exec(
        readFileSync(file, 'utf8'),
      );
      if (!m) {
        throw new Error(`no address for ${g} in ${file}`);
      }
      return m[1]!;
    };
    const guestDir = join(dir, 'cloud1', 'srv', 'salvo-vm', 'guests', 'vm1');
    const inHost = (script: string) =>
      run(['nsenter', `--target=${cloud1.sshdPid}`, '--mount', '--net', 'bash', '-c', script]);
    const salvoS: number[] = [];
    const handS: number[] = [];
    for (let r = -1; r < runs; r++) {
      // Salvo: from the command to the banner (prepare, plan, script, qemu, boot).
      let t0 = performance.now();
      const started = salvo('vm', 'start', 'vm1').then((sr) => {
        if (sr.code !== 0) {
          throw new Error(`salvo vm start vm1: exit ${sr.code}: ${sr.out.slice(-400)}`);
        }
      });
      const [s] = await Promise.all([untilBanner(addr('vm1'), t0), started]);
      const pid = readFileSync(join(guestDir, 'qemu.pid'), 'utf8').trim();
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const tap = args[args.findIndex((a) => a.startsWith('tap,id=n0,ifname='))]!.split(',')
        .find((p) => p.startsWith('ifname='))!
        .slice('ifname='.length);
      const g = '/srv/salvo-vm/guests/vm1'; // guestDir, as cloud1 sees it
      const backing = /"backing-filename": "([^"]+)"/.exec(
        (await inHost(`qemu-img info --output=json -U ${g}/system.qcow2`)).out,
      )?.[1];
      if (!backing) {
        throw new Error('no backing file in the overlay of vm1');
      }
      const st = await salvo('vm', 'stop', 'vm1');
      if (st.code !== 0) {
        throw new Error(`salvo vm stop vm1: exit ${st.code}`);
      }
      // By hand: the same overlay, tap and qemu arguments, from a shell on cloud1.
      const q = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
      const script = [
        `rm -f ${g}/system.qcow2 ${g}/serial.log`,
        `qemu-img create -q -f qcow2 -b ${q(backing)} -F qcow2 ${g}/system.qcow2`,
        `ip tuntap add dev ${tap} mode tap && ip link set ${tap} master br0 && ip link set ${tap} up`,
        args.map(q).join(' '),
      ].join(' && ');
      t0 = performance.now();
      const hand = await inHost(script);
      if (hand.code !== 0) {
        throw new Error(`qemu by hand: exit ${hand.code}: ${hand.out.slice(-400)}`);
      }
      const h = await untilBanner(addr('vm1'), t0);
      await inHost(
        `kill -9 $(cat ${g}/qemu.pid); while [ -e /proc/$(cat ${g}/qemu.pid) ]; do sleep 0.1; done; ip link del ${tap}; rm -f ${g}/qemu.pid ${g}/qmp.sock`,
      );
      if (r >= 0) {
        salvoS.push(s);
        handS.push(h);
      }
      process.stdout.write(
        `${r < 0 ? 'warm-up' : `run ${r + 1}`}: salvo ${s.toFixed(2)} s, by hand ${h.toFixed(2)} s\n`,
      );
    }
    // Six guests across three hosts.
    const six: Record<string, number> = {};
    for (const perHost of ['1', '2']) {
      const t0 = performance.now();
      const r = await salvo('vm', 'start', 'all', '--per-host', perHost);
      six[perHost] = (performance.now() - t0) / 1000;
      if (r.code !== 0) {
        throw new Error(`salvo vm start all: exit ${r.code}: ${r.out.slice(-400)}`);
      }
      await Promise.all(
        ['vm1', 'vm3', 'vm5', 'vm2', 'vm4', 'vm6'].map((g) => untilBanner(addr(g), t0)),
      );
      await salvo('vm', 'stop', 'all', '--per-host', '2');
      process.stdout.write(
        `6 guests on 3 hosts, --per-host ${perHost}: ${six[perHost]!.toFixed(1)} s\n`,
      );
    }
    const ratio = median(salvoS) / median(handS);
    const targets: Target[] = [
      target({
        what: `salvo vm start → SSH vs qemu by hand (same args) ≤ ${LIMIT}×`,
        value: ratio,
        limit: LIMIT,
        unit: '×',
        against: 'qemu by hand',
      }),
    ];
    const after = loaded();
    process.stdout.write(
      `median: salvo ${median(salvoS).toFixed(2)} s, by hand ${median(handS).toFixed(2)} s: ${ratio.toFixed(2)}× (≤ ${LIMIT}×): ${targets[0]!.verdict}\n`,
    );
    if (noRecord) {
      process.stdout.write('--no-record: nothing written\n');
      return 0;
    }
    if ((busy || after) && !argv.includes('--force')) {
      process.stdout.write(`machine loaded at the end (${after}): not recorded\n`);
      return 2;
    }
    await writeRecord('vm', {
      runs,
      accel: 'tcg',
      ...(busy || after ? { loaded: busy ?? after } : {}),
      salvoS,
      handS,
      sixGuestsS: { perHost1: six['1'], perHost2: six['2'] },
      targets,
    });
    return targets.every((t) => t.verdict === 'PASS') ? 0 : 1;
  } finally {
    cancelled.yes = true;
    await labDown(dir);
  }
}

runBench(main);
