// Typed progress events of a fan-out. The library emits them; the CLI and REPL render them.
import type { CommandResult } from '../transport/types.js';

export type FleetEvent =
  | { kind: 'fanout-start'; command: string; hosts: string[]; concurrency: number }
  | { kind: 'host-start'; host: string }
  | { kind: 'host-result'; result: CommandResult }
  | { kind: 'fanout-end'; results: CommandResult[]; durationMs: number; aborted: boolean };

export type FleetListener = (event: FleetEvent) => void;
