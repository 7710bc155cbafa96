import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { freePort, startProcess } from '@mcp-gateway/testing';
import { connectClient } from '../support/connect-client';
import { startDemoServers } from './demo-servers';
import { parsePortOption, PortOptionError } from './server-cli';

const serverScript = (file: string): string => fileURLToPath(new URL(`./${file}`, import.meta.url));

describe('parsePortOption', () => {
  it('takes --port N, then --port=N, then env PORT, else 0', () => {
    expect(parsePortOption(['--port', '8123'], { PORT: '9000' })).toBe(8123);
    expect(parsePortOption(['--port=8124'], {})).toBe(8124);
    expect(parsePortOption([], { PORT: '9000' })).toBe(9000);
    expect(parsePortOption([], {})).toBe(0);
  });

  it('refuses a port that is not an integer from 0 to 65535', () => {
    for (const bad of ['abc', '-1', '65536', '80.5']) {
      expect(() => parsePortOption(['--port', bad], {})).toThrow(PortOptionError);
    }
  });
});

describe('server command line', () => {
  it('prints one listening line, serves MCP on it, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const child = await startProcess(process.execPath, ['--import', 'tsx', serverScript('calculator-server.ts'), '--port', String(port)], {
      readyPattern: /"msg":"listening"/,
      readyTimeoutMs: 20_000,
    });
    try {
      const [line] = child.output().split('\n');
      expect(JSON.parse(line ?? '')).toEqual({
        msg: 'listening',
        name: 'calculator',
        port,
        url: `http://127.0.0.1:${port}/mcp`,
      });
      const connected = await connectClient(`http://127.0.0.1:${port}/mcp`);
      expect((await connected.client.callTool({ name: 'add', arguments: { a: 1, b: 2 } })).structuredContent).toEqual({ result: 3 });
      await connected.close();
    } finally {
      await child.stop('SIGTERM');
    }
    expect(await child.exited).toBe(0);
  }, 30_000);

  it('exits 2 with a message for a bad port', async () => {
    const child = await startProcess(process.execPath, ['--import', 'tsx', serverScript('weather-server.ts'), '--port', 'nope']);
    expect(await child.exited).toBe(2);
    expect(child.output()).toContain('port must be an integer');
  }, 30_000);
});

describe('startDemoServers', () => {
  it('starts weather, notes and calculator, each answering MCP on its own port', async () => {
    const demo = await startDemoServers();
    try {
      expect(demo.members.map((member) => member.name)).toEqual(['weather', 'notes', 'calculator']);
      for (const { name, server } of demo.members) {
        const connected = await connectClient(server.url);
        expect(connected.client.getServerVersion()?.name).toBe(name);
        await connected.close();
      }
    } finally {
      await demo.close();
    }
  });

  it('fails when one of its ports is taken, and releases the ports it did get', async () => {
    // The ports around the blocker are picked by the OS for it, so another process on the
    // machine may take one between the steps; such a round is retried, never excused.
    for (let round = 1; ; round += 1) {
      const blocker = await startDemoServers();
      const basePort = blocker.servers.notes.port - 1;
      try {
        await expect(startDemoServers({ basePort })).rejects.toThrow(/EADDRINUSE/);
      } finally {
        await blocker.close();
      }
      // Weather (basePort) and calculator (basePort + 2) were closed again: the same ports work now.
      let demo;
      try {
        demo = await startDemoServers({ basePort });
      } catch (error) {
        if (round < 3 && /EADDRINUSE/.test(String(error))) continue;
        throw error;
      }
      expect(demo.members.map((member) => member.server.port)).toEqual([basePort, basePort + 1, basePort + 2]);
      await demo.close();
      return;
    }
  });
});
