// An example release, the operator's checklist as code (docs/releases.md). It runs on the lab
// fleet (`salvo lab up 3`, then `salvo -s /tmp/salvo-lab/services.yaml run releases/lab-release.ts`)
// and on any deployment with hub, snap and haproxy. Steps:
//   1. everything the services file lists runs (the release starts from a working system)
//   2. install the release's tools package on every host (here: a local file; no network)
//   3. push the new hub version: a rolling upgrade behind haproxy, one hub drained at a time
//   4. restart the snap servers
//   5. verify: every unit healthy, the tools package everywhere, the new version live
// Parameters: --set version=1.1.0 (the hub version to push), --set tools=2 (the package's version).
import { cmd, type Release } from 'salvo';

export default async function release(r: Release): Promise<void> {
  const dep = r.dep;
  const version = r.params.version ?? '1.1.0';
  const tools = r.params.tools ?? '2';
  const pkg = '/srv/salvo/packages/release-tools';

  await r.step('everything listed runs', () => dep.start('all'));

  await r.step(`install release-tools ${tools} on every host`, () =>
    dep.exec(
      dep.hosts,
      cmd(
        'sh',
        '-c',
        'mkdir -p "$1" && printf "%s\\n" "$2" > "$1/VERSION.tmp" && mv "$1/VERSION.tmp" "$1/VERSION"',
        'install',
        pkg,
        tools,
      ),
    ),
  );

  await r.step(`push hub ${version}: rolling upgrade behind haproxy`, () =>
    dep.upgrade('hub', { version, rolling: true }),
  );

  await r.step('restart the snap servers', () => dep.restart('snap'));

  await r.step('verify: every unit healthy', async () => {
    const status = await dep.status('all');
    const old = status.units.filter(
      (u) => u.unit.service === 'hub' && u.health?.version !== version,
    );
    if (!r.dryRun && old.length) {
      throw new Error(
        `hubs not on ${version}: ${old.map((u) => `${u.unit.host}#${u.unit.instance}`).join(', ')}`,
      );
    }
    return status;
  });

  await r.step('verify: release-tools everywhere', () =>
    dep.exec(dep.hosts, cmd('grep', '-qx', tools, `${pkg}/VERSION`)),
  );
}
