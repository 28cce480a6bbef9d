// The lab builds network namespaces, veths and a bridge, and bind-mounts private dirs: root only.
import { LabError } from '../errors.js';

/** Throws a LabError unless `uid` (default: this process's) is 0; `hint` ends the message. */
export function requireRoot(uid: number | undefined = process.getuid?.(), hint = ''): void {
  if (uid === 0) {
    return;
  }
  throw new LabError(
    'the lab fleet needs root: it creates network namespaces, a bridge and veth pairs, and ' +
      `bind-mounts each host's private /srv, /root and /run (running as uid ${uid ?? 'unknown'}). ` +
      `Run it as root, e.g. with sudo.${hint ? ` ${hint}` : ''}`,
  );
}
