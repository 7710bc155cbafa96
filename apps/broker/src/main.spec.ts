// The broker as a process, from source and from the bundle: it logs where it listens,
// serves /readyz there, and exits 0 on SIGTERM.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess } from '@mcp-gateway/testing';
import { SpecUpstreamServer } from './spec-support/spec-upstream-server';
import { watchRoutingTable } from './spec-support/routing-watch-client';
import { waitFor } from '@mcp-gateway/testing';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

let directory: string;
let configPath: string;
let upstream: SpecUpstreamServer;

beforeAll(async () => {
  upstream = await SpecUpstreamServer.start('proc', { tools: ['hello'] });
  directory = await mkdtemp(path.join(tmpdir(), 'broker-main-'));
  configPath = path.join(directory, 'gateway.yaml');
  await writeFile(configPath, `servers:\n  - name: proc\n    url: ${upstream.url}\n    prefix: p_\n`);
});

afterAll(async () => {
  await upstream.stop();
  await rm(directory, { recursive: true, force: true });
});

async function runBroker(command: string, args: string[]) {
  const broker = await startProcess(command, [...args, '--config', configPath, '--http-port', '0', '--grpc-port', '0'], {
    cwd: repoRoot,
    env: { GATEWAY_SESSION_SECRET: 'process-spec-secret-long-enough-0123456789abcdef' },
    readyPattern: /"msg":"broker listening"/,
    readyTimeoutMs: 20_000,
  });
  try {
    const line = broker.output().split('\n').find((text) => text.includes('"msg":"broker listening"')) ?? '';
    const listening = JSON.parse(line) as { httpPort: number; grpcPort: number };
    expect(listening.httpPort).toBeGreaterThan(0);
    expect(listening.grpcPort).toBeGreaterThan(0);
    // Ready once the first connection round to the upstreams is over (UpstreamWarmUp).
    await waitFor(async () => (await fetch(`http://127.0.0.1:${listening.httpPort}/readyz`)).status === 200, {
      timeoutMs: 10_000,
      what: 'the broker to report ready',
    });
    const watch = watchRoutingTable(`127.0.0.1:${listening.grpcPort}`);
    try {
      const snapshot = await waitFor(() => (watch.latest()?.tools.length ? watch.latest() : undefined), { timeoutMs: 10_000, what: 'tools in the snapshot' });
      expect(snapshot.tools[0]?.gateway_name).toBe('p_hello');
    } finally {
      watch.close();
    }
    await broker.stop('SIGTERM');
    expect(await broker.exited).toBe(0);
    expect(broker.output()).toContain('"msg":"broker stopping"');
  } finally {
    await broker.kill();
  }
}

describe('broker process', () => {
  it('runs from source, finds the routing proto, and stops cleanly on SIGTERM', async () => {
    await runBroker(process.execPath, ['--import', 'tsx', 'apps/broker/src/main.ts']);
  }, 40_000);

  it('runs from the bundle in dist/apps/broker', async () => {
    execFileSync(process.execPath, ['scripts/build-app.mjs', 'broker'], { cwd: repoRoot });
    await runBroker(process.execPath, ['dist/apps/broker/main.js']);
  }, 40_000);

  it('exits 2 with usage when no configuration is given', async () => {
    const broker = await startProcess(process.execPath, ['--import', 'tsx', 'apps/broker/src/main.ts'], { cwd: repoRoot, env: { GATEWAY_CONFIG: undefined } });
    expect(await broker.exited).toBe(2);
    expect(broker.output()).toContain('usage: broker');
  }, 20_000);
});
