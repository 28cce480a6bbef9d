// The account a loopback lab's sshds run as and let in: the invoking user. Refused up front when
// sshd could never run a command for it, with the reason (sshd would only log it).
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { LabError } from '../../errors.js';
import { run } from '../run.js';

/** Plain enough for AllowUsers and YAML without quoting rules. */
const USER = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * sshd without PAM refuses a locked account (password field starting with '!') even for key
 * logins. Only what this process may read is checked: root reads /etc/shadow; others see at most
 * the entries nss-systemd makes up (it locks `nobody`).
 */
async function isLocked(user: string): Promise<boolean> {
  const r = await run(['getent', 'shadow', user]).catch(() => undefined);
  return r?.code === 0 && (r.stdout.split(':')[1] ?? '').startsWith('!');
}

export async function invokingUser(): Promise<string> {
  let info: { username: string; shell: string | null };
  try {
    info = userInfo();
  } catch {
    throw new LabError(
      `uid ${process.getuid?.()} has no passwd entry: sshd cannot log anyone in as it`,
    );
  }
  const user = info.username;
  if (!USER.test(user)) {
    throw new LabError(`user name ${JSON.stringify(user)}: too unusual for sshd_config`);
  }
  if (info.shell && ['nologin', 'false'].includes(basename(info.shell))) {
    throw new LabError(
      `${user}'s login shell is ${info.shell}: sshd runs every command through it, so none would run`,
    );
  }
  if (await isLocked(user)) {
    throw new LabError(
      `account ${user} is locked (its password field starts with '!'): sshd refuses it even with a key`,
    );
  }
  return user;
}
