// LAB ONLY. The nodetool stand-in's snapshot commands (snapshot, clearsnapshot, listsnapshots) and,
// with --data-dir, their files in Cassandra's on-disk layout (see nodetool.ts).
import { createHash } from 'node:crypto';
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/** The stand-in's call to the node's management port (nodetool.ts's `jmx`). */
export type Jmx = <T = unknown>(req: Record<string, unknown>, timeoutMs?: number) => Promise<T>;

interface SnapshotTable {
  keyspace: string;
  table: string;
  ts: number;
  rows: string;
}

/** A table's directory name: `<table>-<32 hex>`, the id fixed by the table's creation. */
function tableDir(t: SnapshotTable): string {
  const id = createHash('md5').update(`${t.keyspace}.${t.table}.${t.ts}`).digest('hex');
  return `${t.table}-${id}`;
}

/** Flush each table to its live SSTable, then hard-link the SSTables into snapshots/<tag>/. */
function writeSnapshot(dir: string, tag: string, tables: SnapshotTable[]): void {
  for (const t of tables) {
    const live = join(dir, t.keyspace, tableDir(t));
    mkdirSync(live, { recursive: true });
    const data = readdirSync(live).filter((f) => /^nb-\d+-big-Data\.db$/.test(f));
    const gens = data.map((f) => Number(f.split('-')[1]));
    const newest = gens.length ? Math.max(...gens) : 0;
    let gen = newest;
    if (!newest || readFileSync(join(live, `nb-${newest}-big-Data.db`), 'utf8') !== t.rows) {
      // A flush and a compaction in one: a new generation replaces the old ones.
      gen = newest + 1;
      writeFileSync(join(live, `nb-${gen}-big-Data.db`), t.rows);
      writeFileSync(join(live, `nb-${gen}-big-TOC.txt`), 'Data.db\nTOC.txt\n');
      for (const old of gens) {
        rmSync(join(live, `nb-${old}-big-Data.db`), { force: true });
        rmSync(join(live, `nb-${old}-big-TOC.txt`), { force: true });
      }
    }
    const snap = join(live, 'snapshots', tag);
    mkdirSync(snap, { recursive: true });
    const files = [`nb-${gen}-big-Data.db`, `nb-${gen}-big-TOC.txt`];
    for (const f of files) {
      linkSync(join(live, f), join(snap, f));
    }
    writeFileSync(join(snap, 'manifest.json'), `${JSON.stringify({ files })}\n`);
    writeFileSync(
      join(snap, 'schema.cql'),
      `CREATE TABLE IF NOT EXISTS ${t.keyspace}.${t.table} (…);\n`,
    );
  }
}

/** Remove snapshots/<tag> (every tag without one) of every table under the data directory. */
function removeSnapshots(dir: string, tag: string | undefined): void {
  if (!existsSync(dir)) {
    return;
  }
  for (const ks of readdirSync(dir, { withFileTypes: true })) {
    if (!ks.isDirectory() || ks.name.startsWith('.')) {
      continue;
    }
    for (const t of readdirSync(join(dir, ks.name), { withFileTypes: true })) {
      const snaps = join(dir, ks.name, t.name, 'snapshots');
      if (t.isDirectory() && existsSync(snaps)) {
        rmSync(tag === undefined ? snaps : join(snaps, tag), { recursive: true, force: true });
      }
    }
  }
}

/** `nodetool snapshot [-t TAG] [KEYSPACE…]`; `failure` prints the error and exits (2). */
export async function snapshot(
  jmx: Jmx,
  rest: string[],
  dataDir: string | undefined,
  failure: (message: string) => never,
): Promise<void> {
  const t = rest.indexOf('-t');
  const name = t >= 0 ? rest[t + 1]! : String(Date.now());
  const kss = rest.filter((x, i) => !x.startsWith('-') && (t < 0 || i !== t + 1));
  process.stdout.write(
    `Requested creating snapshot(s) for [${kss.length ? kss.join(', ') : 'all keyspaces'}] with snapshot name [${name}] and options {skipFlush=false}\n`,
  );
  let tables: SnapshotTable[] = [];
  try {
    tables = (await jmx<{ tables?: SnapshotTable[] }>({ op: 'snapshot', name })).tables ?? [];
  } catch (e) {
    failure((e as Error).message);
  }
  if (dataDir) {
    writeSnapshot(
      dataDir,
      name,
      tables.filter((x) => !kss.length || kss.includes(x.keyspace)),
    );
  }
  process.stdout.write(`Snapshot directory: ${name}\n`);
}

/** `nodetool clearsnapshot [-t TAG]`. */
export async function clearSnapshot(
  jmx: Jmx,
  rest: string[],
  dataDir: string | undefined,
): Promise<void> {
  const t = rest.indexOf('-t');
  await jmx(t >= 0 ? { op: 'clearsnapshot', name: rest[t + 1] } : { op: 'clearsnapshot' });
  if (dataDir) {
    removeSnapshots(dataDir, t >= 0 ? rest[t + 1] : undefined);
  }
}

/** `nodetool listsnapshots`. */
export async function listSnapshots(jmx: Jmx): Promise<void> {
  const names = await jmx<string[]>({ op: 'snapshots' });
  process.stdout.write(
    names.length
      ? `Snapshot Details: \n${names.map((n) => `${n}\n`).join('')}`
      : 'Snapshot Details: \nThere are no snapshots\n',
  );
}
