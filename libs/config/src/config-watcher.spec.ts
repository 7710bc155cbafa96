import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, ConfigWatcher } from './index';
import type { GatewayConfig } from './index';

const DEBOUNCE_MS = 30;
/** Long enough for a file-system event plus the debounce to have fired on a slow machine. */
const QUIET_MS = 400;

const fileFor = (prefix: string) => `servers:\n  - name: everything\n    url: http://127.0.0.1:3001/mcp\n    prefix: ${prefix}\n`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Records what the watcher reports and lets a test wait for the n-th report. */
class Reports {
  readonly changes: GatewayConfig[] = [];
  readonly invalid: Error[] = [];
  readonly handlers = {
    onChange: (config: GatewayConfig) => this.changes.push(config),
    onInvalid: (error: Error) => this.invalid.push(error),
  };

  async until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(10);
    }
  }
}

/** Replaces the file the way editors do: write a sibling, rename it over the original. */
async function replaceByRename(file: string, text: string): Promise<void> {
  const temporary = `${file}.tmp-${process.hrtime.bigint()}`;
  await writeFile(temporary, text);
  await rename(temporary, file);
}

describe('ConfigWatcher', () => {
  let directory = '';
  let file = '';
  let watcher: ConfigWatcher | undefined;

  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'gateway-watch-'));
    file = path.join(directory, 'gateway.yaml');
  });
  afterEach(async () => {
    await watcher?.close();
    watcher = undefined;
    await rm(directory, { recursive: true, force: true });
  });

  it('start() returns the current configuration and throws ConfigError for a broken file', async () => {
    await writeFile(file, fileFor('a_'));
    const reports = new Reports();
    watcher = new ConfigWatcher(file, reports.handlers, { debounceMs: DEBOUNCE_MS, env: {} });
    expect((await watcher.start()).servers[0]?.prefix).toBe('a_');
    expect(watcher.current?.servers[0]?.prefix).toBe('a_');

    await writeFile(path.join(directory, 'broken.yaml'), 'servers: 3\n');
    const broken = new ConfigWatcher(path.join(directory, 'broken.yaml'), reports.handlers, { env: {} });
    await expect(broken.start()).rejects.toBeInstanceOf(ConfigError);
  });

  it('reports a new valid file, keeps the last good one through a broken file, then reports the fix', async () => {
    await writeFile(file, fileFor('a_'));
    const reports = new Reports();
    watcher = new ConfigWatcher(file, reports.handlers, { debounceMs: DEBOUNCE_MS, env: {} });
    await watcher.start();

    await replaceByRename(file, fileFor('b_'));
    await reports.until(() => reports.changes.length === 1, 'the first change');
    expect(reports.changes[0]?.servers[0]?.prefix).toBe('b_');

    await replaceByRename(file, 'servers:\n  - name: everything\n    url: nope\n');
    await reports.until(() => reports.invalid.length === 1, 'the broken file to be reported');
    expect(reports.invalid[0]).toBeInstanceOf(ConfigError);
    expect(reports.invalid[0]?.message).toContain('servers[0].url: must be an http(s) URL');
    expect(reports.changes).toHaveLength(1);
    expect(watcher.current?.servers[0]?.prefix).toBe('b_');

    await writeFile(file, fileFor('c_')); // an in-place write, not a rename
    await reports.until(() => reports.changes.length === 2, 'the fixed file');
    expect(reports.changes[1]?.servers[0]?.prefix).toBe('c_');
    expect(watcher.current?.servers[0]?.prefix).toBe('c_');
    expect(reports.invalid).toHaveLength(1);
  });

  it('stays quiet when the file changes but the configuration does not', async () => {
    await writeFile(file, fileFor('a_'));
    const reports = new Reports();
    watcher = new ConfigWatcher(file, reports.handlers, { debounceMs: DEBOUNCE_MS, env: {} });
    await watcher.start();

    await replaceByRename(file, `# only a comment changed\n${fileFor('a_')}`);
    await writeFile(path.join(directory, 'unrelated.txt'), 'x');
    await sleep(QUIET_MS);
    expect(reports.changes).toHaveLength(0);
    expect(reports.invalid).toHaveLength(0);
  });

  it('follows a Kubernetes-style Secret update (the ..data symlink swapped)', async () => {
    // The kubelet's atomic writer: <dir>/gateway.yaml → ..data/gateway.yaml, and ..data →
    // a timestamped directory, replaced by renaming a new symlink over ..data.
    await mkdir(path.join(directory, '..v1'));
    await writeFile(path.join(directory, '..v1', 'gateway.yaml'), fileFor('a_'));
    await symlink('..v1', path.join(directory, '..data'));
    await symlink(path.join('..data', 'gateway.yaml'), file);
    const reports = new Reports();
    watcher = new ConfigWatcher(file, reports.handlers, { debounceMs: DEBOUNCE_MS, env: {} });
    expect((await watcher.start()).servers[0]?.prefix).toBe('a_');

    await mkdir(path.join(directory, '..v2'));
    await writeFile(path.join(directory, '..v2', 'gateway.yaml'), fileFor('k8s_'));
    await symlink('..v2', path.join(directory, '..data_tmp'));
    await rename(path.join(directory, '..data_tmp'), path.join(directory, '..data'));
    await reports.until(() => reports.changes.length === 1, 'the swapped Secret');
    expect(reports.changes[0]?.servers[0]?.prefix).toBe('k8s_');
  });

  it('applies its environment overrides to every reload', async () => {
    await writeFile(file, fileFor('a_'));
    const reports = new Reports();
    watcher = new ConfigWatcher(file, reports.handlers, { debounceMs: DEBOUNCE_MS, env: { LOG_LEVEL: 'debug' } });
    expect((await watcher.start()).logLevel).toBe('debug');
    await writeFile(file, `${fileFor('b_')}logLevel: error\n`);
    await reports.until(() => reports.changes.length === 1, 'the change');
    expect(reports.changes[0]?.logLevel).toBe('debug');
  });

  it('reports nothing after close()', async () => {
    await writeFile(file, fileFor('a_'));
    const reports = new Reports();
    watcher = new ConfigWatcher(file, reports.handlers, { debounceMs: DEBOUNCE_MS, env: {} });
    await watcher.start();
    await watcher.close();

    await replaceByRename(file, fileFor('b_'));
    await writeFile(path.join(directory, 'other.yaml'), 'servers: nope\n');
    await replaceByRename(file, 'not: valid\n');
    await sleep(QUIET_MS);
    expect(reports.changes).toHaveLength(0);
    expect(reports.invalid).toHaveLength(0);
    expect(watcher.current?.servers[0]?.prefix).toBe('a_');
  });
});
