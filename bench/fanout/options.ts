// Command-line options of the fan-out benchmark.
export interface Options {
  sizes: number[];
  runs: number;
  warmRounds: number;
  pauseMs: number;
  timeoutS: number;
  /** Use this running lab instead of building one (it is not torn down). */
  lab?: string;
}

export const USAGE = `usage: npm run bench -- [--sizes 20,50,200] [--runs 5] [--warm-rounds 10] [--pause-ms 300]
                        [--timeout 120] [--lab DIR]
  --sizes        host counts to run on (subsets of one lab of max(sizes) hosts, at most 250)
  --runs         timed runs per tool and size, after one untimed warm-up run (fewer than 5: a trial, not a result)
  --warm-rounds  timed rounds of the in-process warm fan-out
  --pause-ms     pause after each run so the servers finish their clean-up
  --timeout      seconds before one run is killed (and counted as failed)
  --lab DIR      use the running lab in DIR (salvo lab up N --dir DIR) and leave it running`;

export class OptionError extends Error {}

function int(
  flag: string,
  text: string | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < min || n > max) {
    throw new OptionError(
      `${flag}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(text ?? '')}`,
    );
  }
  return n;
}

export function parseOptions(argv: string[]): Options | 'help' {
  const o: Options = { sizes: [20, 50, 200], runs: 5, warmRounds: 10, pauseMs: 300, timeoutS: 120 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '--sizes': {
        const text = value() ?? '';
        o.sizes = [...new Set(text.split(',').map((s) => int('--sizes', s.trim(), 1, 250)))].sort(
          (a, b) => a - b,
        );
        break;
      }
      case '--runs':
        o.runs = int('--runs', value(), 1);
        break;
      case '--warm-rounds':
        o.warmRounds = int('--warm-rounds', value(), 1);
        break;
      case '--pause-ms':
        o.pauseMs = int('--pause-ms', value(), 0, 60_000);
        break;
      case '--timeout':
        o.timeoutS = int('--timeout', value(), 1, 3600);
        break;
      case '--lab':
        o.lab = value();
        if (!o.lab) {
          throw new OptionError('--lab: expected a directory');
        }
        break;
      default:
        throw new OptionError(`unknown option ${JSON.stringify(arg)}`);
    }
  }
  return o;
}
