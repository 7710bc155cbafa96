import { describe, expect, it } from '@jest/globals';
import { ProcessStartError, startProcess } from './managed-process';

const node = process.execPath;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startProcess', () => {
  it('captures stdout and stderr and reports the exit code', async () => {
    const child = await startProcess(node, ['-e', 'console.log("to stdout"); console.error("to stderr"); process.exit(3)']);
    expect(await child.exited).toBe(3);
    expect(child.output()).toContain('to stdout');
    expect(child.output()).toContain('to stderr');
  });

  it('resolves once the readiness pattern appears, on stdout or stderr', async () => {
    const child = await startProcess(node, ['-e', 'setTimeout(() => console.error("listening on 1234"), 50); setInterval(() => {}, 1000)'], {
      readyPattern: /listening on (\d+)/,
    });
    expect(child.output()).toContain('listening on 1234');
    const match = await child.waitForOutput(/listening on (\d+)/g);
    expect(match[1]).toBe('1234');
    await child.stop();
    expect(isAlive(child.pid)).toBe(false);
  });

  it('passes environment variables and removes the ones set to undefined', async () => {
    process.env['MANAGED_PROCESS_SPEC_REMOVED'] = 'present';
    try {
      const child = await startProcess(
        node,
        ['-e', 'console.log(`${process.env.GREETING}:${process.env.MANAGED_PROCESS_SPEC_REMOVED ?? "gone"}`)'],
        { env: { GREETING: 'hello', MANAGED_PROCESS_SPEC_REMOVED: undefined } },
      );
      await child.exited;
      expect(child.output().trim()).toBe('hello:gone');
    } finally {
      delete process.env['MANAGED_PROCESS_SPEC_REMOVED'];
    }
  });

  it('kills the process and rejects when it is not ready in time', async () => {
    const outcome = startProcess(node, ['-e', 'console.log("booting"); setInterval(() => {}, 1000)'], {
      readyPattern: /ready/,
      readyTimeoutMs: 200,
    });
    await expect(outcome).rejects.toThrow(/did not print \/ready\/ within 200 ms; output:\nbooting/);
  });

  it('rejects a readiness wait when the process exits first', async () => {
    const outcome = startProcess(node, ['-e', 'console.log("fatal: bad config"); process.exit(1)'], { readyPattern: /ready/ });
    await expect(outcome).rejects.toThrow(/exited before printing \/ready\/; output:\nfatal: bad config/);
  });

  it('escalates to SIGKILL when the process ignores SIGTERM past the grace period', async () => {
    const child = await startProcess(
      node,
      ['-e', 'process.on("SIGTERM", () => console.log("ignoring SIGTERM")); console.log("up"); setInterval(() => {}, 1000)'],
      { readyPattern: /up/, stopGraceMs: 200 },
    );
    const started = Date.now();
    await child.stop();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await child.exited).toBeNull();
    expect(child.output()).toContain('ignoring SIGTERM');
    expect(isAlive(child.pid)).toBe(false);
  });

  it('rejects with ProcessStartError when the command does not exist', async () => {
    await expect(startProcess('no-such-command-mcp-gateway', [])).rejects.toThrow(ProcessStartError);
  });
});
