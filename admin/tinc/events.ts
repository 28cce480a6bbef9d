// Typed progress of tinc operations. The library emits them; the CLI renders them.
import type { MeshMatrix } from './matrix.js';
import type { NodePlan } from './plan/plan.js';
import type { RecordChange } from './record.js';
import type { ControlAction } from './remote/index.js';

export type TincPhase = 'probe' | 'keygen' | 'push' | 'control' | 'purge' | 'verify';

/** A host that could not do its part; `unreachable` separates "could not ask" from "asked, failed". */
export interface HostFailure {
  host: string;
  phase: TincPhase;
  message: string;
  unreachable: boolean;
}

export type TincEvent =
  | { kind: 'phase'; phase: TincPhase; hosts: string[] }
  | { kind: 'host-failed'; failure: HostFailure }
  | { kind: 'key-generated'; host: string; bits: number }
  | { kind: 'key-changed'; host: string } // the host's key differs from the record: rekeyed or reinstalled
  | { kind: 'plan'; nodes: NodePlan[]; keygen: string[] }
  | { kind: 'recorded'; change: RecordChange }
  | { kind: 'control'; host: string; action: ControlAction; pid?: number }
  | { kind: 'verify-round'; round: number; matrix: MeshMatrix }
  | { kind: 'repair'; hosts: string[] }; // restarted: stale packet keys (see ops/repair.ts)

export type TincListener = (event: TincEvent) => void;
