import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { startProcess } from '@mcp-gateway/testing';

const PRELOAD = fileURLToPath(new URL('./loopback-preload.cjs', import.meta.url));

/** Runs `listenCall` (JS, with `server` in scope) under the preload and returns the bound address. */
async function boundAddress(listenCall: string): Promise<string> {
  const script = `
    const server = require('node:net').createServer();
    ${listenCall};
    server.on('listening', () => { console.log('ADDRESS ' + server.address().address); server.close(); });
  `;
  const child = await startProcess(process.execPath, ['--require', PRELOAD, '-e', script]);
  const [, address] = await child.waitForOutput(/ADDRESS (\S+)/);
  await child.exited;
  return address ?? '';
}

describe('loopback preload', () => {
  it.each([
    ['listen(port)', 'server.listen(0)'],
    ['listen(port as string, callback)', "server.listen('0', () => {})"],
    ['listen(port, all-interfaces host)', "server.listen(0, '0.0.0.0')"],
    ['listen(port, IPv6 any host, backlog)', "server.listen(0, '::', 16)"],
    ['listen(options)', "server.listen({ port: 0, host: '0.0.0.0' })"],
    ['listen()', 'server.listen()'],
  ])('forces %s onto 127.0.0.1', async (_form, listenCall) => {
    expect(await boundAddress(listenCall)).toBe('127.0.0.1');
  });
});
