// Base images: `salvo vm image push` copies an image to physical hosts in parallel — rsync over
// OpenSSH (a config written from the deployment: the same addresses, users, keys, jump hosts and
// strictly checked host keys as Salvo's own connections), into a staging directory; the host then
// checks every file's sha256 against the manifest made here before the transfer and only then
// publishes the image, atomically (image-script.ts). `salvo vm image list` reads what each host
// has. The image's checksum is the sha256 of its SHA256SUMS text (one value for its content).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Deployment } from '../deployment/deployment.js';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../fs/index.js';
import { VM_IMAGES_DIR, inventoryGuests } from '../inventory/vm-guests.js';
import type { Inventory } from '../inventory/types.js';
import type { CommandResult } from '../transport/types.js';
import type { ImageHostPhase, VmEvent } from './events.js';
import { imageFiles, readImageMeta, type ImageMeta } from './guest.js';
import { imageCommand, REFUSED_EXIT } from './image-script.js';
import { parseKeyValues } from './parse.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** An image on the admin machine, ready to push: its files and their checksums. */
export interface LocalImage {
  name: string;
  dir: string;
  meta: ImageMeta;
  files: { file: string; bytes: number; sha256: string }[];
  /** SHA256SUMS: `HASH  FILE` lines, sorted by file name (sha256sum's format). */
  manifest: string;
  sha256: string;
  bytes: number;
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) {
    h.update(chunk as Buffer);
  }
  return h.digest('hex');
}

/** The manifest text of `files` and the image checksum it gives. */
export function manifestOf(files: { file: string; sha256: string }[]): {
  manifest: string;
  sha256: string;
} {
  const manifest = [...files]
    .sort((a, b) => Buffer.compare(Buffer.from(a.file), Buffer.from(b.file))) // as LC_ALL=C sort
    .map((f) => `${f.sha256}  ${f.file}`)
    .join('\n');
  return { manifest, sha256: createHash('sha256').update(`${manifest}\n`).digest('hex') };
}

/** A directory holding image.json (disk, kernel, initrd, append) and the files it names. */
export async function localImage(source: string, name?: string): Promise<LocalImage> {
  const dir = resolve(source);
  const n = name ?? basename(dir);
  if (!NAME.test(n)) {
    throw new UsageError(
      `image name "${n}": letters, digits, _ . - (at most 64, starting with a letter or digit); give --name`,
    );
  }
  try {
    if (!(await stat(dir)).isDirectory()) {
      throw new Error('not a directory');
    }
  } catch (e) {
    throw new UsageError(
      `${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (give a directory holding image.json and its files)`,
    );
  }
  const meta = readImageMeta(join(dir, 'image.json'), n);
  const files = await Promise.all(
    imageFiles(meta).map(async (file) => {
      const path = join(dir, file);
      let bytes: number;
      try {
        bytes = (await stat(path)).size;
      } catch {
        throw new UsageError(`${path}: image.json names it, but it cannot be read`);
      }
      return { file, bytes, sha256: await sha256File(path) };
    }),
  );
  return {
    name: n,
    dir,
    meta,
    files,
    ...manifestOf(files),
    bytes: files.reduce((s, f) => s + f.bytes, 0),
  };
}

/** Where images live on the physical hosts (the vm service's `dir`). */
export function vmDir(inv: Inventory): string {
  return (inv.services.get('vm')?.options.dir as string | undefined) ?? '/var/lib/salvo/vm';
}

/** The physical hosts of the guests, in services-file order. */
export function physicalHosts(inv: Inventory): string[] {
  return [...new Set(inventoryGuests(inv).map((g) => g.physical))];
}

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

function why(r: CommandResult | undefined): string {
  if (!r) {
    return 'no result';
  }
  return (r.stderr.trim() || r.failure?.message || `exit ${r.exitCode}`)
    .split('\n')
    .slice(-3)
    .join('; ');
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

export interface HostImages {
  host: string;
  images: { name: string; bytes: number; sha256?: string; version?: string }[];
  /** Guests this host started, and the image each last booted. */
  guests: { name: string; wanted: string; image: string; sha256?: string }[];
  error?: string;
}

export interface ImageList {
  hosts: HostImages[];
  /** The images of vm/images/ and the guests whose services-file `base` names them. */
  registered: { name: string; sha256?: string; guests: string[] }[];
}

/** What `list` prints: tab-separated `image NAME BYTES SUM TARGET` and `guest NAME WANTED IMAGE SUM`. */
export function parseImageList(host: string, stdout: string): HostImages {
  const out: HostImages = { host, images: [], guests: [] };
  for (const line of stdout.split('\n')) {
    const f = line.split('\t');
    if (f[0] === 'image' && f.length >= 5) {
      const version = f[4]!.startsWith('.store/') ? f[4]!.slice('.store/'.length) : undefined;
      out.images.push({
        name: f[1]!,
        bytes: Number(f[2]) || 0,
        ...(f[3] && f[3] !== '-' ? { sha256: f[3] } : {}),
        ...(version ? { version } : {}),
      });
    } else if (f[0] === 'guest' && f.length >= 4) {
      out.guests.push({
        name: f[1]!,
        wanted: f[2]!,
        image: f[3]!,
        ...(f[4] && f[4] !== '-' ? { sha256: f[4] } : {}),
      });
    }
  }
  return out;
}

/** Which hosts have which images (size, checksum), and which guests use them. */
export async function listImages(dep: Deployment, hosts?: string[]): Promise<ImageList> {
  const inv = dep.inventory;
  const targets = hosts ?? physicalHosts(inv);
  const dir = vmDir(inv);
  const r =
    targets.length > 0
      ? await dep.quietExec(targets, imageCommand('list', { dir }), { timeoutMs: 60_000 })
      : undefined;
  const perHost = targets.map((h) => {
    const one = r?.of(h);
    return one?.ok
      ? parseImageList(h, one.stdout)
      : { host: h, images: [], guests: [], error: why(one) };
  });
  const guests = inventoryGuests(inv);
  const names = [...new Set(guests.map((g) => g.base).filter(Boolean))];
  try {
    for (const f of await readdir(join(inv.dir, VM_IMAGES_DIR))) {
      if (f.endsWith('.json') && !names.includes(f.slice(0, -5))) {
        names.push(f.slice(0, -5));
      }
    }
  } catch {
    // no vm/images/: only the services file's names
  }
  const registered = names.map((n) => {
    let sha256: string | undefined;
    try {
      sha256 = readImageMeta(join(inv.dir, VM_IMAGES_DIR, `${n}.json`), n).sha256;
    } catch {
      sha256 = undefined;
    }
    return {
      name: n,
      ...(sha256 ? { sha256 } : {}),
      guests: guests.filter((g) => g.base === n).map((g) => g.name),
    };
  });
  return { hosts: perHost, registered };
}
