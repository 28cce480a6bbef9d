// A kind that cannot carry out an operation says so with NotYetSupported: planning `all` skips
// that service with the reason; planning it by name is a usage error naming it.
import { AdminError } from '../errors.js';

export class NotYetSupported extends AdminError {
  override name = 'NotYetSupported';
}
