// Kinds whose lifecycle belongs to a subsystem that has not landed yet (vm): until then they
// report status only, and planning a change says where it will come from.
import { AdminError } from '../errors.js';
import type { Operation, Unit } from './types.js';

export class NotYetSupported extends AdminError {
  override name = 'NotYetSupported';
}

export function notYet(kind: string, op: Operation, unit: Unit, where: string): never {
  throw new NotYetSupported(
    `${kind}: \`${op}\` of ${unit.host} comes with ${where}; only status works for now`,
  );
}
