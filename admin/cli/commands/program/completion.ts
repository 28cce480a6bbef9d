// `salvo completion bash|zsh` prints a completion script; the script asks `salvo __complete`
// for the words, so commands, flags, services, groups and host names come from the program and
// the services file of the moment.
import type { Command, Option } from 'commander';
import { UsageError } from '../../../errors.js';

const BASH = `# salvo completion for bash: salvo completion bash > /etc/bash_completion.d/salvo
_salvo() {
  local IFS=$'\\n'
  COMPREPLY=( $(salvo __complete "$COMP_CWORD" "\${COMP_WORDS[@]}" 2>/dev/null) )
}
complete -o default -F _salvo salvo
`;

const ZSH = `#compdef salvo
# salvo completion for zsh: salvo completion zsh > "\${fpath[1]}/_salvo"
_salvo() {
  local -a c
  c=("\${(@f)$(salvo __complete $((CURRENT - 1)) "\${words[@]}" 2>/dev/null)}")
  compadd -- $c
}
compdef _salvo salvo
`;

/** Arguments that take hosts, services or a host, by command path. */
const TAKES: Record<string, 'nodeset' | 'service' | 'host'> = {
  exec: 'nodeset',
  copy: 'nodeset',
  gather: 'nodeset',
  tmux: 'nodeset',
  'hosts trust': 'nodeset',
  ssh: 'host',
  'tinc add': 'host',
  'tinc remove': 'host',
  status: 'service',
  start: 'service',
  stop: 'service',
  restart: 'service',
  upgrade: 'service',
  logs: 'service',
};
const NODESET_FLAGS = new Set(['-H', '--hosts']);

export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script (commands, flags, services, groups, host names)')
    .argument('<shell>', 'bash or zsh')
    .action((shell: string) => {
      if (shell !== 'bash' && shell !== 'zsh') {
        throw new UsageError(`completion: bash or zsh, not "${shell}"`);
      }
      process.stdout.write(shell === 'bash' ? BASH : ZSH);
    });
  program
    .command('__complete', { hidden: true })
    .argument('<index>')
    .argument('[words...]')
    .allowUnknownOption()
    .helpOption(false)
    .action(async (index: string, words: string[]) => {
      const out = await completions(program, words, Number(index));
      process.stdout.write(out.map((w) => `${w}\n`).join(''));
    });
}

/** Candidates for the word at `index` of `words` (words[0] is `salvo`). */
export async function completions(
  program: Command,
  words: string[],
  index: number,
): Promise<string[]> {
  const current = words[index] ?? '';
  const before = words.slice(1, index);
  let cmd = program;
  const path: string[] = [];
  let services = process.env.SALVO_SERVICES ?? 'services.yaml';
  for (let i = 0; i < before.length; i++) {
    const w = before[i]!;
    if ((w === '-s' || w === '--services') && before[i + 1]) {
      services = before[++i]!;
      continue;
    }
    const sub = cmd.commands.find((c) => c.name() === w);
    if (sub) {
      cmd = sub;
      path.push(w);
    }
  }
  const prev = before.at(-1) ?? '';
  const starts = (xs: string[]): string[] => xs.filter((x) => x.startsWith(current));
  if (current.startsWith('-')) {
    const opts = [...cmd.options, ...(cmd === program ? [] : program.options)] as Option[];
    return starts(opts.flatMap((o) => [o.long, o.short].filter((x): x is string => !!x)));
  }
  const take = takes(prev, path);
  const subs = cmd.commands
    .filter((c) => !(c as unknown as { _hidden?: boolean })._hidden)
    .map((c) => c.name());
  if (!take) {
    return starts(subs);
  }
  const vocab = await vocabulary(services);
  return starts(candidates(take, vocab));
}

/** What the word being completed names: a node set after -H, nothing after -s, else the command's. */
function takes(prev: string, path: string[]): 'nodeset' | 'service' | 'host' | undefined {
  if (NODESET_FLAGS.has(prev)) {
    return 'nodeset';
  }
  if (prev === '-s' || prev === '--services') {
    return undefined;
  }
  return TAKES[path.join(' ')];
}

function candidates(take: 'nodeset' | 'service' | 'host', vocab: Vocabulary): string[] {
  if (take === 'service') {
    return [...vocab.services, 'all'];
  }
  if (take === 'host') {
    return vocab.hosts;
  }
  return [...vocab.hosts, ...vocab.groups.map((g) => `@${g}`)];
}

interface Vocabulary {
  hosts: string[];
  groups: string[];
  services: string[];
}

async function vocabulary(file: string): Promise<Vocabulary> {
  try {
    const { loadInventory } = await import('../../../inventory/load.js');
    const inv = await loadInventory(file);
    return {
      hosts: [...inv.hosts.keys()],
      groups: [...inv.groups.keys()],
      services: [...inv.services.keys(), ...(inv.tinc ? ['tinc'] : [])],
    };
  } catch {
    return { hosts: [], groups: [], services: [] };
  }
}
