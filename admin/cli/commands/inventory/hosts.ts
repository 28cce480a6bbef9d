// `salvo hosts trust NODESET` — record host keys on purpose, printing each fingerprint.
import type { Command } from 'commander';
import { servicesPath } from '../services-path.js';
import { renderTrust } from '../../render/inventory/trust.js';
import { EXIT } from '../../../fleet/outcome.js';

export function registerHosts(program: Command): void {
  const hosts = program.command('hosts').description('host keys and host lists');
  hosts
    .command('trust')
    .description(
      'fetch the host keys of NODESET and add them to the known_hosts file, printing fingerprints',
    )
    .argument('<nodeset>', 'hosts to trust')
    .option(
      '--replace',
      'replace a key that changed (only after checking the fingerprint out of band)',
    )
    .action(async (nodeset: string, flags: { replace?: boolean }, cmd: Command) => {
      const { loadInventory } = await import('../../../inventory/load.js');
      const { expandNodeSet } = await import('../../../inventory/nodeset.js');
      const { targetResolver } = await import('../../../deployment/targets.js');
      const { trustHosts } = await import('../../../transport/hostkeys/index.js');
      const inv = await loadInventory(servicesPath(cmd));
      const names = expandNodeSet(nodeset, (g) => inv.groups.get(g));
      const resolve = targetResolver(inv);
      const targets = await Promise.all(names.map(resolve));
      const file = inv.ssh.knownHosts[0]!;
      const results = await trustHosts(targets, file, {
        replace: flags.replace,
        concurrency: inv.ssh.concurrency,
      });
      process.stdout.write(renderTrust(results, file));
      const bad = results.some(
        (r) => r.outcome === 'changed-refused' || r.outcome === 'unreachable',
      );
      process.exitCode = bad ? EXIT.failed : EXIT.ok;
    });
}
