// Lab and test sshds give their sessions a home of their own: `argv` run in a private mount
// namespace with `home` bind-mounted over /root. Root's shell is bash, which sources ~/.bashrc
// for every ssh command; a machine's own /root/.bashrc (here: `pyenv init`, whose rehash takes a
// lock file) would run in every session, and a session killed mid-rc can leave that lock behind
// and stall every later login on the machine.

/** `argv` wrapped to run with `home` over /root (unshare and sh both exec: the pid is argv's). */
export function withPrivateRoot(home: string, argv: readonly string[]): string[] {
  return [
    'unshare',
    '--mount',
    '--propagation',
    'private',
    'sh',
    '-c',
    'mount --bind "$0" /root && exec "$@"',
    home,
    ...argv,
  ];
}
