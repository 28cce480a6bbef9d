// `salvo secrets init|list`: the deployment's generated passwords (secrets/<deployment>/, 0600 in
// a 0700 directory, kept out of git). Values are never printed: only names, modes and the path.
import type { Command } from 'commander';
import { openDeployment } from '../services-path.js';

export function registerSecrets(program: Command): void {
  const s = program
    .command('secrets')
    .description('generated passwords of the deployment: names and modes only, values never shown')
    .addHelpText('after', '\nExamples:\n  salvo secrets init\n  salvo secrets list --json');
  s.command('init')
    .description(
      'generate a random password for the Cassandra superuser and each service user of the services file (missing ones only)',
    )
    .option('--superuser <name>', 'the superuser (default salvo_admin)')
    .option('--json', 'one JSON object: dir, names, created')
    .addHelpText(
      'after',
      '\nExisting secrets are kept, never replaced. Files are 0600 in a 0700 directory next to the\nservices file (secrets/<deployment>/), and secrets/ gets a .gitignore of its own.\n\nExamples:\n  salvo secrets init\n  salvo -s cloud.yaml secrets init --superuser dba',
    )
    .action(async (flags: { superuser?: string; json?: boolean }, cmd: Command) => {
      const dep = await openDeployment(cmd);
      try {
        const r = await dep.cassandra.initSecrets(flags.superuser);
        process.stdout.write(
          flags.json
            ? `${JSON.stringify(r)}\n`
            : `${r.dir}: ${r.created.length ? `generated ${r.created.join(', ')}` : 'nothing new'}${r.names.length > r.created.length ? `; kept ${r.names.filter((n) => !r.created.includes(n)).join(', ')}` : ''}\n`,
        );
      } finally {
        await dep.close();
      }
    });
  s.command('list')
    .description('the secrets there are: names and file modes')
    .option('--json', 'one JSON object: dir, secrets [{name, mode}]')
    .addHelpText('after', '\nExamples:\n  salvo secrets list\n  salvo secrets list --json')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const dep = await openDeployment(cmd);
      try {
        const r = await dep.cassandra.listSecrets();
        process.stdout.write(
          flags.json
            ? `${JSON.stringify(r)}\n`
            : `${r.dir}\n${r.secrets.map((x) => `  ${x.mode}  ${x.name}\n`).join('') || '  (none: salvo secrets init)\n'}`,
        );
      } finally {
        await dep.close();
      }
    });
}
