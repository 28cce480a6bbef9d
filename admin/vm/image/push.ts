// `salvo vm image push`: rsync over OpenSSH (a config written from the deployment: the same
// addresses, users, keys, jump hosts and strictly checked host keys as Salvo's own connections)
// into a staging directory on each physical host, in parallel; the host checks every file
// against the manifest and only then publishes the image (script.ts).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Deployment } from '../../deployment/deployment.js';
import { UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../fs/index.js';
import { VM_IMAGES_DIR, inventoryGuests } from '../../inventory/vm-guests.js';
import type { ImageHostPhase, VmEvent } from '../events.js';
import { readImageMeta, type ImageMeta } from '../guest.js';
import { parseKeyValues } from '../parse.js';
import { physicalHosts, vmDir, why } from './hosts.js';
import { localImage, type LocalImage } from './local.js';
import { imageCommand, REFUSED_EXIT } from './script.js';

export interface ImagePushOptions {
  /** Default: every physical host that carries a guest. */
  hosts?: string[];
  /** rsync --bwlimit per host: KiB/s, or with a unit as rsync takes it (`10m`). */
  bwlimit?: string;
  /** Publish other content under a name already registered with another checksum. */
  replace?: boolean;
  signal?: AbortSignal;
}

export interface ImagePushHost {
  host: string;
  outcome: 'published' | 'present' | 'refused' | 'failed';
  detail?: string;
  ms: number;
}

export interface ImagePushResult {
  image: string;
  sha256: string;
  bytes: number;
  hosts: ImagePushHost[];
  /** vm/images/NAME.json was written (the services file may now name the image). */
  registered: boolean;
}

const BWLIMIT = /^\d+(\.\d+)?[KMGkmg]?$/;

/** Copy an image to physical hosts in parallel; each host verifies and publishes it on its own. */
export async function pushImage(
  dep: Deployment,
  source: string,
  name: string | undefined,
  options: ImagePushOptions = {},
): Promise<ImagePushResult> {
  if (options.bwlimit !== undefined && !BWLIMIT.test(options.bwlimit)) {
    throw new UsageError(
      `--bwlimit ${options.bwlimit}: expected KiB/s or a number with K, M or G (e.g. 20m)`,
    );
  }
  const inv = dep.inventory;
  const hosts = options.hosts ?? physicalHosts(inv);
  if (hosts.length === 0) {
    throw new UsageError('no physical host to push to: no guest has vm_on (or give -H NODESET)');
  }
  const guests = new Set(inventoryGuests(inv).map((g) => g.name));
  const notPhysical = hosts.filter((h) => guests.has(h) || !inv.hosts.has(h));
  if (notPhysical.length > 0) {
    throw new UsageError(`not a physical host of the services file: ${notPhysical.join(', ')}`);
  }
  const img = await localImage(source, name);
  const emit = (e: VmEvent): void => dep.emit('vm', e);
  emit({
    kind: 'image-checksummed',
    image: img.name,
    sha256: img.sha256,
    bytes: img.bytes,
    files: img.files.length,
  });
  const metaFile = join(inv.dir, VM_IMAGES_DIR, `${img.name}.json`);
  let registered: ImageMeta | undefined;
  try {
    registered = readImageMeta(metaFile, img.name);
  } catch {
    registered = undefined;
  }
  if (registered?.sha256 && registered.sha256 !== img.sha256 && !options.replace) {
    throw new UsageError(
      `${img.name} is registered (${metaFile}) with checksum ${registered.sha256.slice(0, 12)}, this one is ${img.sha256.slice(0, 12)}: push it under another name, or give --replace`,
    );
  }
  const dir = vmDir(inv);
  const tmp = await mkdtemp(join(tmpdir(), 'salvo-image-'));
  try {
    const known = join(tmp, 'known_hosts');
    const files = await dep.sshClientFiles(known, hosts);
    await writeFile(known, files.knownHosts, { mode: 0o600 });
    await writeFile(join(tmp, 'config'), files.config, { mode: 0o600 });
    const ssh = `ssh -F ${join(tmp, 'config')} -o BatchMode=yes -o ConnectTimeout=15`;
    const results = await Promise.all(
      hosts.map((h) => pushToHost(dep, h, img, dir, ssh, options, emit)),
    );
    const ok = results.some((r) => r.outcome === 'published' || r.outcome === 'present');
    let wrote = false;
    if (ok && registered?.sha256 !== img.sha256) {
      const meta = { ...img.meta, sha256: img.sha256 } as Record<string, unknown>;
      delete meta.name;
      await writeFileAtomic(metaFile, `${JSON.stringify(meta, null, 2)}\n`);
      wrote = true;
    }
    return {
      image: img.name,
      sha256: img.sha256,
      bytes: img.bytes,
      hosts: results,
      registered: wrote,
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function pushToHost(
  dep: Deployment,
  host: string,
  img: LocalImage,
  dir: string,
  ssh: string,
  options: ImagePushOptions,
  emit: (e: VmEvent) => void,
): Promise<ImagePushHost> {
  const t0 = Date.now();
  const done = (outcome: ImagePushHost['outcome'], detail?: string): ImagePushHost => {
    const phase: ImageHostPhase = outcome;
    emit({
      kind: 'image-host',
      image: img.name,
      host,
      phase,
      ...(detail ? { detail } : {}),
    });
    return { host, outcome, ms: Date.now() - t0, ...(detail ? { detail } : {}) };
  };
  const files = img.files.map((f) => f.file);
  const have = (
    await dep.quietExec(
      [host],
      imageCommand('have', { dir, name: img.name, files: files.join(' ') }),
      {
        timeoutMs: 60_000,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    )
  ).of(host);
  if (!have?.ok) {
    return done('failed', why(have));
  }
  const kv = parseKeyValues(have.stdout);
  if (kv.get('current') === img.sha256) {
    return done('present');
  }
  const stage = kv.get('stage')!;
  const free = Number(kv.get('free'));
  if (Number.isFinite(free) && free < img.bytes) {
    return done('failed', `${host} has ${free} bytes free in ${dir}, the image needs ${img.bytes}`);
  }
  emit({ kind: 'image-host', image: img.name, host, phase: 'transferring', stage });
  const rsync = await runRsync(
    [
      '-a',
      '--copy-links',
      '--partial',
      '--timeout=120',
      ...(options.bwlimit ? [`--bwlimit=${options.bwlimit}`] : []),
      '-e',
      ssh,
      ...files.map((f) => join(img.dir, f)),
      `${host}:${stage}/`,
    ],
    options.signal,
  );
  if (rsync.code !== 0) {
    return done(
      'failed',
      `rsync exit ${rsync.code}: ${rsync.stderr.trim().split('\n').slice(-2).join('; ')}`,
    );
  }
  emit({ kind: 'image-host', image: img.name, host, phase: 'staged', stage });
  const meta = { ...img.meta, sha256: img.sha256 } as Record<string, unknown>;
  delete meta.name;
  const pub = (
    await dep.quietExec(
      [host],
      imageCommand('publish', {
        dir,
        name: img.name,
        sum: img.sha256,
        manifest: img.manifest,
        meta: JSON.stringify(meta),
      }),
      { timeoutMs: 600_000, ...(options.signal ? { signal: options.signal } : {}) },
    )
  ).of(host);
  if (pub?.exitCode === REFUSED_EXIT) {
    const bad = pub.stdout
      .split('\n')
      .filter((l) => l.startsWith('refused '))
      .map((l) => l.split(/\s+/).at(-1))
      .join(', ');
    const kept = parseKeyValues(pub.stdout).get('kept');
    return done(
      'refused',
      `checksum mismatch on arrival (${bad || 'the file list differs'}): not published, ${kept && kept !== '-' ? `kept ${kept.slice(0, 12)}` : 'no earlier copy'}`,
    );
  }
  if (!pub?.ok) {
    return done('failed', why(pub));
  }
  return done('published', parseKeyValues(pub.stdout).get('published'));
}

function runRsync(
  args: string[],
  signal: AbortSignal | undefined,
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolveRun) => {
    const child = spawn('rsync', args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(signal ? { signal } : {}),
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-4000);
    });
    child.on('error', (e) => resolveRun({ code: 127, stderr: e.message }));
    child.on('close', (code) => resolveRun({ code: code ?? 1, stderr }));
  });
}
