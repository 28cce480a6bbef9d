// Errors become text and exit codes here, and only here.
import {
  AdminError,
  ConfigError,
  ConnectError,
  InternalError,
  LabError,
  LockedError,
  UsageError,
} from '../../errors.js';
import { EXIT } from '../../fleet/outcome.js';

export function exitCodeForError(err: unknown): number {
  if (err instanceof ConfigError || err instanceof UsageError) {
    return EXIT.usage;
  }
  if (err instanceof ConnectError) {
    return EXIT.unreachable;
  }
  if (err instanceof LockedError) {
    return EXIT.locked;
  }
  if (err instanceof InternalError || !(err instanceof AdminError)) {
    return EXIT.internal;
  }
  return EXIT.failed;
}

export function renderError(err: unknown): string {
  if (err instanceof ConfigError) {
    return `${err.message}\n${plural(err.issues.length, 'problem')} in the services file\n`;
  }
  if (err instanceof LabError) {
    return `salvo lab: ${err.message}\n`;
  }
  if (err instanceof LockedError) {
    return `salvo: ${err.message}\n  (lock ${err.lock}; to wait for it: --wait-lock [DURATION])\n`;
  }
  if (err instanceof AdminError && !(err instanceof InternalError)) {
    return `salvo: ${err.message}\n`;
  }
  const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return `salvo: internal error (this is a bug in Salvo; please report it with the text below)\n${stack}\n`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
