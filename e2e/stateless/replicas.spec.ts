// Issue 7, "Both must work when the round trips land on different replicas (state in
// Redis, with expiry)": three routers and two brokers sharing one real redis-server, behind
// a round-robin balancer that sends every client request to another router than the one
// before. Each round of a bridged exchange — the call, the stateless client's retries, the
// session-era client's answers — therefore reaches a different replica than the round
// before it, and the balancer's history proves it.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { startRedisServer, type RedisServerHandle } from '@mcp-gateway/testing';
import { startScaledGateway, type ScaledGateway } from '../scaling/support/scaled-gateway';
import { startStatelessTestServer, type StatelessTestServer } from '../servers/stateless-test-server';
import { startTestServer, type TestServer } from '../servers/test-server';
import { connectSessionClient, connectStatelessClient, type EraClient } from './support/modern-client';

jest.setTimeout(60_000);

let redis: RedisServerHandle;
let modern: StatelessTestServer;
let legacy: TestServer;
let gateway: ScaledGateway;
const clients: EraClient[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  modern = await startStatelessTestServer({ name: 'modern-upstream' });
  legacy = await startTestServer({ name: 'legacy-upstream' });
  gateway = await startScaledGateway({
    redisUrl: redis.url,
    routers: 3,
    brokers: 2,
    config: {
      servers: [
        { name: 'modern', url: modern.url, prefix: 'm_' },
        { name: 'legacy', url: legacy.url, prefix: 'l_' },
      ],
      upstreamRequestMs: 15_000,
    },
  });
  await gateway.waitForUpstreamsReady(['modern', 'legacy']);
}, 120_000);

afterAll(async () => {
  for (const client of clients) await client.close();
  await gateway?.stop();
  await modern?.close();
  await legacy?.close();
  await redis?.stop();
});

function textOf(result: unknown): string {
  const first = (result as CallToolResult).content[0];
  return first?.type === 'text' ? first.text : '';
}

/** The routers that took the POSTs made while `work` ran, in order. */
async function routersDuring(work: () => Promise<void>): Promise<number[]> {
  const before = gateway.routerBalancer.history().length;
  await work();
  return gateway.routerBalancer
    .history()
    .slice(before)
    .filter((request) => request.method === 'POST')
    .map((request) => request.backend);
}

function noTwoInARow(backends: readonly number[]): boolean {
  return backends.every((backend, index) => index === 0 || backend !== backends[index - 1]);
}

describe('a stateless-era client and a session-era upstream that asks it things', () => {
  it('completes when the call, and each retry carrying the answers, reach different routers', async () => {
    const client = await connectStatelessClient(gateway.url, { name: 'Ada', colour: 'red' });
    clients.push(client);
    let result: CallToolResult | undefined;
    const backends = await routersDuring(async () => {
      result = (await client.client.callTool({ name: 'l_elicit_twice', arguments: {} })) as CallToolResult;
    });
    expect(result?.structuredContent).toEqual({ first: { action: 'accept', content: { name: 'Ada' } }, second: { action: 'accept', content: { colour: 'red' } } });
    // The call, then one retry per elicitation: three POSTs, never twice in a row on one router.
    expect(backends).toHaveLength(3);
    expect(noTwoInARow(backends)).toBe(true);
  });

  it('keeps several exchanges apart when they run at once', async () => {
    const asking = await Promise.all(['Ada', 'Grace', 'Linus', 'Barbara'].map((name) => connectStatelessClient(gateway.url, { name, colour: 'blue' })));
    clients.push(...asking);
    const results = await Promise.all(asking.map((client) => client.client.callTool({ name: 'l_elicit_twice', arguments: {} })));
    expect(results.map((result) => (result.structuredContent as { first: { content: { name: string } } }).first.content.name)).toEqual(['Ada', 'Grace', 'Linus', 'Barbara']);
  });
});

describe('a session-era client and a stateless-era upstream that needs input', () => {
  it('completes when the client\'s answers reach other routers than the one holding the call', async () => {
    const client = await connectSessionClient(gateway.url, { name: 'Grace', colour: 'green' });
    clients.push(client);
    let text = '';
    const backends = await routersDuring(async () => {
      text = textOf(await client.client.callTool({ name: 'm_ask_name_and_colour', arguments: {} }));
    });
    expect(text).toBe('Grace likes green');
    // The call, then the client's two answers, each through the balancer.
    expect(backends).toHaveLength(3);
    expect(noTwoInARow(backends)).toBe(true);
  });
});

describe('pairings that need no shared state', () => {
  it('passes a stateless upstream\'s input-required rounds through whichever routers they reach', async () => {
    const client = await connectStatelessClient(gateway.url, { name: 'Linus' });
    clients.push(client);
    const backends = await routersDuring(async () => {
      expect(textOf(await client.client.callTool({ name: 'm_ask_name', arguments: {} }))).toBe('Hello, Linus!');
    });
    expect(backends).toHaveLength(2);
    expect(noTwoInARow(backends)).toBe(true);
  });
});
