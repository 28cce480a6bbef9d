// Durations on the command line: `30` (seconds), `500ms`, `30s`, `2m`, `1h` (the library's parser).
export { parseDuration } from '../deployment/duration.js';
