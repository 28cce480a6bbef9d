// What the backup subsystem reports while it works (source `backup` of a Deployment's events).
import type { Series, SeriesResult } from './types.js';

export type BackupEvent =
  | { kind: 'plan'; series: Series[]; dryRun: boolean }
  | { kind: 'keys'; sources: string[]; targets: string[] }
  | { kind: 'source-start'; host: string; series: string[] }
  | { kind: 'series'; result: SeriesResult }
  | { kind: 'pruned'; series: string; target: string; removed: string[] };

export type BackupListener = (e: BackupEvent) => void;
