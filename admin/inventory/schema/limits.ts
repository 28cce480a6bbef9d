// The bounds every number an operator gives is held to (docs/reliability.md). Durations: Node's
// timers hold at most 2^31-1 ms (~24.8 days; a longer one fires at once, with a
// TimeoutOverflowWarning), so no duration, in the services file or on the command line, may
// exceed 24 days. Counts: enough for any real fleet, small enough that nothing built from them
// (instances × hosts units, a gate's probes) can exhaust memory.
export const MAX_DURATION_S = 24 * 24 * 3600;
export const MAX_DURATION_MS = MAX_DURATION_S * 1000;
/** `instances` per host of one service. */
export const MAX_INSTANCES = 1000;
/** Other counts in the services file (a gate's `passes`, …). */
export const MAX_COUNT = 10_000;
/** `ssh.concurrency` and other fan-out windows. */
export const MAX_CONCURRENCY = 100_000;

export const durationLimitText = `at most ${MAX_DURATION_S} seconds (24 days; longer timers overflow)`;
