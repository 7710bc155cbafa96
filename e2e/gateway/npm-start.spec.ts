// Acceptance of `npm start` (scripts/start.mjs) as a new user runs it: it builds, starts the
// bundled demo servers (fixed ports 39101-39103), the broker and the router, prints the
// URL; an SDK client at that URL lists every demo server's tools under its prefix and
// calls them; Ctrl-C (SIGINT) stops every process it started and frees every port.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import path from 'node:path';
import { freePort, startProcess, waitFor, type ManagedProcess } from '@mcp-gateway/testing';
import { forecastFor } from '../servers/weather-server';
import { connectClient, type ConnectedClient } from '../support/connect-client';
import { REPO_ROOT } from './support/gateway-bundles';
import { acceptsConnections, childPids, isRunning } from './support/process-table';

// Processes on a loaded 2-core machine: more than Jest's 5 s default per test (the e2e
// project's testTimeout is not applied per project).
jest.setTimeout(30_000);

const DEMO_PORTS = [39101, 39102, 39103];

let launcher: ManagedProcess;
let routerPort: number;
let url: string;
let brokerPort: number;
let children: number[];
let connected: ConnectedClient | undefined;

beforeAll(async () => {
  for (const port of DEMO_PORTS) {
    if (await acceptsConnections(port)) throw new Error(`port ${port} is taken: npm start needs it for its demo servers`);
  }
  routerPort = await freePort();
  launcher = await startProcess(process.execPath, [path.join(REPO_ROOT, 'scripts', 'start.mjs'), '--port', String(routerPort)], {
    cwd: REPO_ROOT,
    env: { GATEWAY_SESSION_SECRET: undefined, CACHE_CONNECTION_STRING: undefined, LOG_LEVEL: undefined },
    readyPattern: /MCP Gateway is ready/,
    readyTimeoutMs: 90_000,
    stopGraceMs: 10_000,
  });
  url = (await launcher.waitForOutput(/Point your MCP client at:\s+(\S+)/))[1] ?? '';
  brokerPort = Number((await launcher.waitForOutput(/Upstream status: http:\/\/127\.0\.0\.1:(\d+)\/status/))[1]);
  children = await childPids(launcher.pid);
}, 120_000);

afterAll(async () => {
  await connected?.close();
  await launcher?.kill();
});

describe('npm start', () => {
  it('prints the URL of the router on the requested port', () => {
    expect(url).toBe(`http://127.0.0.1:${routerPort}/mcp`);
    // demo servers, broker, router
    expect(children).toHaveLength(3);
  });

  it('serves every demo server’s tools under its prefix to an SDK client', async () => {
    connected = await connectClient(url);
    const names = (await connected.client.listTools()).tools.map((tool) => tool.name);
    for (const prefix of ['weather_', 'notes_', 'calc_']) {
      expect(names.filter((name) => name.startsWith(prefix)).length).toBeGreaterThan(0);
    }
    expect(names.every((name) => /^(weather|notes|calc)_/.test(name))).toBe(true);
  });

  it('calls one tool of each demo server', async () => {
    if (connected === undefined) connected = await connectClient(url);
    const forecast = await connected.client.callTool({ name: 'weather_get_forecast', arguments: { city: 'Lisbon', days: 1 } });
    expect(forecast.structuredContent).toEqual({ city: 'Lisbon', days: forecastFor('Lisbon', 1) });
    const note = await connected.client.callTool({ name: 'notes_add_note', arguments: { title: 'npm start', body: 'works' } });
    expect(note.structuredContent).toMatchObject({ title: 'npm start', body: 'works' });
    const product = await connected.client.callTool({ name: 'calc_multiply', arguments: { a: 6, b: 7 } });
    expect(product.structuredContent).toEqual({ result: 42 });
  });

  it('stops every process it started on Ctrl-C (SIGINT) and frees every port', async () => {
    await connected?.close();
    connected = undefined;
    await launcher.stop('SIGINT');
    expect(await launcher.exited).toBe(0);
    await waitFor(() => children.every((pid) => !isRunning(pid)), { timeoutMs: 10_000, what: 'every child of npm start to exit' });
    for (const port of [...DEMO_PORTS, routerPort, brokerPort]) {
      expect([port, await acceptsConnections(port)]).toEqual([port, false]);
    }
  });
});
