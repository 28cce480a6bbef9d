// The backup parsers on output recorded from the lab (rsync 3.5.0, GNU coreutils sha256sum):
// the source script's SALVO-RESULT lines, the target listing, prune's names and verify's
// manifest comparison (file names with a newline and a space included).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseListing, seriesStatus } from '../../admin/backup/list.js';
import { parseNames } from '../../admin/backup/prune.js';
import {
  parseScriptPubkey,
  parseScriptResults,
  parseScriptSnapshots,
} from '../../admin/backup/remote/source.js';
import { compareManifest } from '../../admin/backup/verify.js';

// Recorded: a source script pushing to a live target, an unreachable one, and a missing path.
const SCRIPT_OUT =
  'SALVO-RESULT\tsrv/cloud1@cloud2\tcloud2\tok\t0\t517\t2026-12-02T140237Z 3 7\n' +
  'SALVO-RESULT\tsrv/cloud1@ghost\tghost\tfailed\t255\t3077\tssh: connect to host 198.18.3.250 port 22: No route to host  rsync: connection unexpectedly closed (0 bytes received so far) [sender] \n' +
  'SALVO-RESULT\tsrv/cloud1@cloud3\tcloud3\tfailed\t23\t514\tnothing published: rsync exit 23 on cloud1: rsync: [sender] link_stat "/srv/missing" failed: No such file or directory (2) \n' +
  'SALVO-RESULT\tsrv/cloud1@cloud2\tcloud2\tlocked\t75\t186\t{"host":"cloud1","pid":31292,"user":"root","startedAt":"2026-12-02T13:30:04Z","what":"backup srv/cloud1@cloud2"}\n';

test('source script results', () => {
  const r = parseScriptResults(`noise\n${SCRIPT_OUT}`);
  assert.deepEqual(
    r.map((x) => [x.id, x.status, x.rsyncExit]),
    [
      ['srv/cloud1@cloud2', 'ok', 0],
      ['srv/cloud1@ghost', 'failed', 255],
      ['srv/cloud1@cloud3', 'failed', 23],
      ['srv/cloud1@cloud2', 'locked', 75],
    ],
  );
  assert.equal(r[0]!.detail, '2026-12-02T140237Z 3 7');
  assert.equal(r[0]!.durationMs, 517);
  assert.match(r[1]!.detail, /No route to host/);
  assert.equal(JSON.parse(r[3]!.detail).pid, 31292);
});

// A --setup run: its key, a target that refuses it, one that cannot be reached, and the
// snapshot list a commit answered with (latest first; "-" when there is none).
const SETUP_OUT =
  'SALVO-PUBKEY ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTheParserTestOnly salvo-backup@cloud1\n' +
  "SALVO-RESULT\tsrv/cloud1@cloud2\tcloud2\tunauthorized\t255\t96\tcloud2 refuses cloud1's backup key: root@198.18.1.2: Permission denied (publickey). \n" +
  'SALVO-RESULT\tsrv/cloud1@ghost\tghost\tunreachable\t255\t3077\tghost: ssh: connect to host 198.18.3.250 port 22: No route to host \n' +
  'SALVO-RESULT\tsrv/cloud1@cloud3\tcloud3\tok\t0\t412\t2026-12-03T082404Z 256 67108864\n' +
  'SALVO-SNAPS\tsrv/cloud1@cloud3\t2026-12-03T082404Z 2026-12-03T080759Z 2026-12-03T082404Z\n' +
  'SALVO-SNAPS\tsrv/cloud1@cloud4\t-\n';

test('setup run: public key, unauthorized and unreachable series, snapshot lists', () => {
  assert.equal(
    parseScriptPubkey(SETUP_OUT),
    'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTheParserTestOnly salvo-backup@cloud1',
  );
  assert.equal(parseScriptPubkey(SCRIPT_OUT), undefined);
  assert.deepEqual(
    parseScriptResults(SETUP_OUT).map((x) => [x.id, x.status]),
    [
      ['srv/cloud1@cloud2', 'unauthorized'],
      ['srv/cloud1@ghost', 'unreachable'],
      ['srv/cloud1@cloud3', 'ok'],
    ],
  );
  const snaps = parseScriptSnapshots(SETUP_OUT);
  assert.deepEqual(snaps.get('srv/cloud1@cloud3'), {
    latest: '2026-12-03T082404Z',
    snapshots: ['2026-12-03T080759Z', '2026-12-03T082404Z'],
  });
  assert.deepEqual(snaps.get('srv/cloud1@cloud4'), { latest: '', snapshots: [] });
});

// Recorded: two series on one target, one held by a run, and a series never backed up.
const LIST_OUT =
  'SERIES /srv/backup/lab/srv/cloud1\nSNAP {"name":"2026-12-02T135951Z","files":1,"bytes":2,"holder":{"host":"cloud1","pid":21469,"user":"root","startedAt":"2026-12-02T13:59:52Z","what":"backup srv/cloud1@cloud2"}}\nSNAP {"name":"2026-12-02T140011Z","files":3,"bytes":7,"holder":{"host":"cloud1","pid":14878,"user":"root","startedAt":"2026-12-02T14:00:11Z","what":"backup srv/cloud1@cloud2"}}\nSERIES /srv/backup/lab/slow/cloud1\nHOLDER {"host":"cloud1","pid":17674,"user":"root","startedAt":"2026-12-02T14:01:20Z","what":"backup slow/cloud1@cloud2"}\nSNAP {"name":"2026-12-02T135956Z","files":1,"bytes":8000000,"holder":{"host":"cloud1","pid":21469,"user":"root","startedAt":"2026-12-02T13:59:56Z","what":"backup slow/cloud1@cloud2"}}\nSERIES /srv/backup/lab/srv/nowhere\n';

test('target listing: snapshots, holder, empty series; freshness against max_age', () => {
  const m = parseListing(LIST_OUT);
  const a = m.get('/srv/backup/lab/srv/cloud1')!;
  assert.deepEqual(
    a.snapshots.map((s) => [s.name, s.files, s.bytes]),
    [
      ['2026-12-02T135951Z', 1, 2],
      ['2026-12-02T140011Z', 3, 7],
    ],
  );
  assert.equal(a.holder, undefined);
  assert.equal(m.get('/srv/backup/lab/slow/cloud1')!.holder!.pid, 17674);
  assert.deepEqual(m.get('/srv/backup/lab/srv/nowhere')!.snapshots, []);
  const row = (series: string, dir: string) => ({
    series,
    set: 'srv',
    source: 'cloud1',
    target: 'cloud2',
    dir,
    snapshots: m.get(dir)!.snapshots,
    maxAgeMs: 3_600_000,
  });
  const st = seriesStatus(
    {
      series: [
        row('a', '/srv/backup/lab/srv/cloud1'),
        row('b', '/srv/backup/lab/slow/cloud1'),
        row('c', '/srv/backup/lab/srv/nowhere'),
        { ...row('d', '/srv/backup/lab/srv/nowhere'), error: 'unreachable: no route' },
      ],
    },
    Date.parse('2026-12-02T15:00:00Z'),
  );
  assert.deepEqual(
    st.rows.map((r) => [r.series, r.state]),
    [
      ['a', 'fresh'],
      ['b', 'stale'],
      ['c', 'never'],
      ['d', 'unknown'],
    ],
  );
  assert.deepEqual(st.stale, ['b', 'c', 'd']);
});

test('prune names', () => {
  const n = parseNames(
    'SERIES /srv/backup/lab/srv/cloud1\nSNAP 2026-12-02T135951Z\nSNAP 2026-12-02T140011Z\nLATEST 2026-12-02T140011Z\nSERIES /srv/backup/lab/srv/nowhere\nLATEST \n',
  );
  assert.deepEqual(n.get('/srv/backup/lab/srv/cloud1'), {
    snapshots: ['2026-12-02T135951Z', '2026-12-02T140011Z'],
    latest: '2026-12-02T140011Z',
  });
  assert.deepEqual(n.get('/srv/backup/lab/srv/nowhere'), { snapshots: [], latest: '' });
});

// Recorded: a manifest and the files hashed again (a name with a newline is escaped by sha256sum).
const VERIFY_OUT =
  'SNAPSHOT 2026-12-02T140011Z\n73cb3858a687a8494ca3323053016282f3dad39d42cf62ca4e79dda2aac7d9ac  ./srv/data/f\n\\9ab9de25768ac172235e119b76362ecddad33878fe9a7792cdddbe47236f9a87  ./srv/data/new\\nline\n87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7  ./srv/data/sp ace\n--SALVO-CURRENT--\n73cb3858a687a8494ca3323053016282f3dad39d42cf62ca4e79dda2aac7d9ac  ./srv/data/f\n\\9ab9de25768ac172235e119b76362ecddad33878fe9a7792cdddbe47236f9a87  ./srv/data/new\\nline\n87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7  ./srv/data/sp ace\n';

test('verify: an intact snapshot, then one changed, one missing and one extra file', () => {
  assert.deepEqual(compareManifest(VERIFY_OUT), {
    snapshot: '2026-12-02T140011Z',
    ok: true,
    files: 3,
    missing: [],
    changed: [],
    extra: [],
  });
  const [manifest, current] = VERIFY_OUT.split('--SALVO-CURRENT--\n') as [string, string];
  const damaged = current
    .replace('73cb3858', '00000000')
    .replace(/^.*sp ace\n/m, '')
    .concat(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  ./srv/data/intruder\n',
    );
  const r = compareManifest(`${manifest}--SALVO-CURRENT--\n${damaged}`);
  assert.equal(r.ok, false);
  assert.deepEqual(r.changed, ['./srv/data/f']);
  assert.deepEqual(r.missing, ['./srv/data/sp ace']);
  assert.deepEqual(r.extra, ['./srv/data/intruder']);
});
