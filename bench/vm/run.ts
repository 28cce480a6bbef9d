// qemu guests on a 3-host lab (root; TCG here): (1) time from `salvo vm start vm1` to the guest's
// SSH banner, against the same qemu started by hand with the very arguments Salvo used (read from
// /proc/PID/cmdline of Salvo's qemu), tap and overlay made by hand too; target ≤ 1.1×. (2) start
// of 6 guests across 3 hosts: `salvo vm start all` (one per host per batch) and `--per-host 2`.
// The banner is polled from this process every 50 ms for both (overlapping tries: see
// untilBanner), so both are timed the same way.
// Also to a verified login: `salvo vm start` returning (its gate logged in to the guest, host key
// checked) against `ssh` (strict host-key checking) by hand after the banner, tried every 50 ms.
// And the same start by hand typed on the admin host (`ssh cloud1 '…'`, a cold connection as
// Salvo's is): recorded beside the target, to show what of the difference is the SSH hop.
// A loaded machine gives meaningless numbers: nothing is recorded when the 1-minute load is above
// the core count at the start or end (`--force` records anyway, marked; `--no-record` measures
// and prints, whatever the load, and writes nothing).
//   node dist/bench/vm/run.js [--runs 3] [--force | --no-record]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

/**
 * Until the banner answers, a new try every 50 ms whether or not the previous ones ended: a SYN
 * sent while the guest's network is still down is never answered, and waiting for it to time
 * out (or for TCP's 1 s retransmission) would see the banner up to a second late, at random.
 * Each try lives at most 1 s, so at most ~20 are in flight.
 */
function untilBanner(address: string, t0: number, limitS = 600): Promise<number> {
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setInterval(() => {
      if (done) {
        return;
      }
      if (cancelled.yes || performance.now() - t0 > limitS * 1000) {
        done = true;
        clearInterval(timer);
        reject(
          new Error(cancelled.yes ? 'cancelled' : `${address}: no SSH banner after ${limitS} s`),
        );
        return;
      }
      void banner(address).then((ok) => {
        if (ok && !done) {
          done = true;
          clearInterval(timer);
          resolve((performance.now() - t0) / 1000);
        }
      });
    }, 50);
  });
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
    const loadAtStart = loadavg();
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
    const handSshS: number[] = [];
    // To a verified login: Salvo's command returning (its gate logged in, host key checked) vs
    // OpenSSH logging in by hand (strict host-key checking) once the banner answers.
    const salvoDoneS: number[] = [];
    const handLoginS: number[] = [];
    const login = async (address: string, t0: number): Promise<number> => {
      for (;;) {
        if (cancelled.yes) {
          throw new Error('cancelled');
        }
        const r = await run(['ssh', '-F', lab.sshConfigFile, address, 'true']);
        if (r.code === 0) {
          return (performance.now() - t0) / 1000;
        }
        if (performance.now() - t0 > 600_000) {
          throw new Error(`${address}: no login after 600 s: ${r.out.slice(-200)}`);
        }
        await new Promise((res) => setTimeout(res, 50));
      }
    };
    for (let r = -1; r < runs; r++) {
      // Salvo: from the command to the banner (prepare, plan, script, qemu, boot).
      let t0 = performance.now();
      const started = salvo('vm', 'start', 'vm1').then((sr) => {
        if (sr.code !== 0) {
          throw new Error(`salvo vm start vm1: exit ${sr.code}: ${sr.out.slice(-400)}`);
        }
        return (performance.now() - t0) / 1000;
      });
      const [s, sDone] = await Promise.all([untilBanner(addr('vm1'), t0), started]);
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
      const hLogin = await login(addr('vm1'), t0);
      const kill = `kill -9 $(cat ${g}/qemu.pid); while [ -e /proc/$(cat ${g}/qemu.pid) ]; do sleep 0.1; done; ip link del ${tap}; rm -f ${g}/qemu.pid ${g}/qmp.sock`;
      await inHost(kill);
      // The same by hand from the admin host, as an operator would type it: over one ssh to
      // cloud1 (a cold connection, strict host-key checking), which Salvo's start pays too.
      t0 = performance.now();
      const remote = await run(['ssh', '-F', lab.sshConfigFile, 'cloud1', script]);
      if (remote.code !== 0) {
        throw new Error(`qemu by hand over ssh: exit ${remote.code}: ${remote.out.slice(-400)}`);
      }
      const hs = await untilBanner(addr('vm1'), t0);
      await inHost(kill);
      if (r >= 0) {
        salvoS.push(s);
        handS.push(h);
        handSshS.push(hs);
        salvoDoneS.push(sDone);
        handLoginS.push(hLogin);
      }
      process.stdout.write(
        `${r < 0 ? 'warm-up' : `run ${r + 1}`}: banner: salvo ${s.toFixed(2)} s, by hand ${h.toFixed(2)} s, by hand over ssh ${hs.toFixed(2)} s; verified login: salvo returned ${sDone.toFixed(2)} s, ssh by hand ${hLogin.toFixed(2)} s (load ${loadavg()[0]!.toFixed(1)})\n`,
      );
    }
    // The paired runs are the measurement: the load that matters is theirs. The six guests
    // below load the machine themselves (TCG boots), so the check comes before them.
    const after = loaded();
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
    const loginRatio = median(salvoDoneS) / median(handLoginS);
    const targets: Target[] = [
      target({
        what: `salvo vm start → SSH vs qemu by hand (same args) ≤ ${LIMIT}×`,
        value: ratio,
        limit: LIMIT,
        unit: '×',
        against: 'qemu by hand',
      }),
      target({
        what: `salvo vm start returning (gate: login, host key checked) vs qemu by hand + ssh login ≤ ${LIMIT}×`,
        value: loginRatio,
        limit: LIMIT,
        unit: '×',
        against: 'qemu by hand, then ssh',
      }),
    ];
    const pairRatios = salvoS.map((x, k) => x / handS[k]!);
    process.stdout.write(
      `median of the per-run ratios (banner): ${median(pairRatios).toFixed(2)}×\n` +
        `median to the banner: salvo ${median(salvoS).toFixed(2)} s, by hand ${median(handS).toFixed(2)} s: ${ratio.toFixed(2)}× (≤ ${LIMIT}×): ${targets[0]!.verdict}\n` +
        `median to a verified login: salvo ${median(salvoDoneS).toFixed(2)} s, by hand ${median(handLoginS).toFixed(2)} s: ${loginRatio.toFixed(2)}× (≤ ${LIMIT}×): ${targets[1]!.verdict}\n` +
        `median to the banner by hand over ssh from the admin host: ${median(handSshS).toFixed(2)} s; salvo against it: ${(median(salvoS) / median(handSshS)).toFixed(2)}×\n`,
    );
    if (noRecord) {
      process.stdout.write('--no-record: nothing written\n');
      return 0;
    }
    if ((busy || after) && !argv.includes('--force')) {
      process.stdout.write(`machine loaded after the paired runs (${after}): not recorded\n`);
      return 2;
    }
    await writeRecord('vm', {
      runs,
      accel: 'tcg',
      ...(busy || after ? { loaded: busy ?? after } : {}),
      loadAtStart,
      salvoS,
      handS,
      handSshS,
      salvoOverHandSsh: median(salvoS) / median(handSshS),
      salvoDoneS,
      handLoginS,
      pairRatios,
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
