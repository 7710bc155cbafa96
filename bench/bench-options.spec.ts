import { describe, expect, it } from '@jest/globals';
import { BenchUsageError, parseBenchOptions } from './bench-options';

describe('parseBenchOptions', () => {
  it('runs every scenario at 1, 16, 64 and 256 sessions by default', () => {
    const options = parseBenchOptions([]);
    expect(options).toMatchObject({ mode: 'full', levels: [1, 16, 64, 256], rounds: 3, write: true });
    expect([...options.only]).toEqual(['1', '1b', '2', '3', '4', '5', '6', '7']);
  });

  it('keeps the quick run to 16 and 64 sessions plus the 1-session latency run, with short windows', () => {
    const options = parseBenchOptions(['--quick', '--no-write']);
    expect(options).toMatchObject({ mode: 'quick', levels: [1, 16, 64], rounds: 1, durationMs: 2_500, write: false });
  });

  it('refuses unknown scenarios and out-of-range durations', () => {
    expect(() => parseBenchOptions(['--only', '1,8'])).toThrow(BenchUsageError);
    expect(() => parseBenchOptions(['--duration', '0'])).toThrow(BenchUsageError);
    expect(() => parseBenchOptions(['--rounds', '1.5'])).toThrow(BenchUsageError);
    expect(() => parseBenchOptions(['--bogus'])).toThrow(BenchUsageError);
  });
});
