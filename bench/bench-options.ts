// Command-line options of `npm run bench`, parsed and validated once into a frozen profile.
// Two profiles: full (≈ 8 minutes on 2 cores) and quick (≈ 1 minute smoke run).
import { parseArgs } from 'node:util';

export const SCENARIO_IDS = ['1', '1b', '2', '3', '4', '5', '6', '7'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

export interface BenchOptions {
  readonly mode: 'full' | 'quick';
  /** Concurrent sessions for the tools/call scenarios (1, 1b, 2, 3). */
  readonly levels: readonly number[];
  /** Each level measures every target this many times, alternating, and merges the rounds:
   * a busy spell of the machine then lands on every target alike. */
  readonly rounds: number;
  /** Warm-up before each round, thrown away. */
  readonly warmupMs: number;
  /** Measured window of one round. */
  readonly durationMs: number;
  /** The single-session run only measures latency: it needs less time. */
  readonly singleSessionDurationMs: number;
  readonly toolsList: { readonly levels: readonly number[]; readonly durationMs: number };
  readonly idleSessions: { readonly sessions: number; readonly warmupSessions: number; readonly concurrency: number; readonly settleMs: number };
  readonly firstCall: { readonly iterations: number; readonly maxDurationMs: number };
  readonly requestTimeoutMs: number;
  readonly only: ReadonlySet<ScenarioId>;
  /** Write docs/benchmarks.md and bench/results/latest.json. */
  readonly write: boolean;
}

export class BenchUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchUsageError';
  }
}

export const BENCH_USAGE = `usage: npm run bench [-- --quick] [--only 1,1b,2,3,4,5,6,7] [--rounds N] [--duration SECONDS] [--no-write] [--no-build]
  --quick       one-minute smoke run (16 and 64 sessions, plus a short 1-session latency run)
  --only        run only these scenarios (ratios and targets need 1, 1b and 2; 7 = the router's ext_proc face)
  --rounds      alternating rounds per concurrency level (default 3, quick 1)
  --duration    measured seconds per round of a tools/call run (default 5, quick 2.5)
  --no-write    print only; do not update docs/benchmarks.md and bench/results/latest.json
  --no-build    (scripts/bench.mjs) use the gateway apps already in dist/`;

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        duration: { type: 'string' },
        rounds: { type: 'string' },
        'no-write': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    });
  } catch (error) {
    throw new BenchUsageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) throw new BenchUsageError('help requested');

  const only = new Set<ScenarioId>();
  for (const id of (values.only ?? SCENARIO_IDS.join(',')).split(',').map((part) => part.trim())) {
    if (!(SCENARIO_IDS as readonly string[]).includes(id)) throw new BenchUsageError(`unknown scenario "${id}" (known: ${SCENARIO_IDS.join(', ')})`);
    only.add(id as ScenarioId);
  }
  let durationMs: number | undefined;
  if (values.duration !== undefined) {
    const seconds = Number(values.duration);
    if (!Number.isFinite(seconds) || seconds < 1 || seconds > 600) throw new BenchUsageError('--duration must be between 1 and 600 seconds');
    durationMs = seconds * 1000;
  }

  let rounds: number | undefined;
  if (values.rounds !== undefined) {
    rounds = Number(values.rounds);
    if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) throw new BenchUsageError('--rounds must be an integer between 1 and 20');
  }

  const quick = values.quick;
  return Object.freeze({
    mode: quick ? 'quick' : 'full',
    levels: quick ? [1, 16, 64] : [1, 16, 64, 256],
    rounds: rounds ?? (quick ? 1 : 3),
    warmupMs: quick ? 1_000 : 2_000,
    durationMs: durationMs ?? (quick ? 2_500 : 5_000),
    singleSessionDurationMs: durationMs ?? (quick ? 1_500 : 3_000),
    toolsList: { levels: quick ? [1] : [1, 16], durationMs: quick ? 2_000 : 10_000 },
    idleSessions: { sessions: 10_000, warmupSessions: 200, concurrency: 32, settleMs: quick ? 500 : 2_000 },
    firstCall: { iterations: quick ? 50 : 300, maxDurationMs: quick ? 15_000 : 60_000 },
    requestTimeoutMs: 10_000,
    only,
    write: !values['no-write'],
  } satisfies BenchOptions);
}
