// The requestState the gateway hands a stateless-era client when a session-era upstream
// asks it something (MCP 2026-07-28 "Multi Round-Trip Requests", server requirements 4–5):
// treated as attacker-controlled — bound to the request it came from, usable once, and
// expiring with the exchange (timeouts.upstreamRequestMs), after which the parked upstream
// call is cut. Raw HTTP, so the wire values are visible.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startGatewayProcesses, type GatewayProcesses } from '../gateway/support/gateway-processes';
import { startTestServer, type TestServer } from '../servers/test-server';
import { envelope, postWire, standardHeaders, type WireAnswer } from './support/stateless-post';

jest.setTimeout(60_000);

const EXCHANGE_TTL_MS = 2_000;
const ASKABLE = { elicitation: { form: {} } };

let legacy: TestServer;
let gateway: GatewayProcesses;

beforeAll(async () => {
  legacy = await startTestServer({ name: 'legacy-upstream' });
  gateway = await startGatewayProcesses({
    config: { servers: [{ name: 'legacy', url: legacy.url, prefix: 'l_' }], upstreamRequestMs: EXCHANGE_TTL_MS },
  });
  await gateway.waitForUpstreamsReady(['legacy']);
}, 90_000);

afterAll(async () => {
  await gateway?.stop();
  await legacy?.close();
});

function call(id: string, name: string, extra: Record<string, unknown> = {}): Promise<WireAnswer> {
  return postWire(gateway.url, standardHeaders('tools/call', name), {
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name, arguments: {}, _meta: envelope({ 'io.modelcontextprotocol/clientCapabilities': ASKABLE }), ...extra },
  });
}

function inputRequired(answer: WireAnswer): { requestState: string; inputRequests: Record<string, { method: string; params: Record<string, unknown> }> } {
  const result = answer.body?.['result'] as { resultType: string; requestState: string; inputRequests: Record<string, { method: string; params: Record<string, unknown> }> };
  expect(result.resultType).toBe('input_required');
  return result;
}

const ACCEPT_NAME = { action: 'accept', content: { name: 'Ada' } };

describe('the gateway\'s requestState', () => {
  it('carries the upstream\'s question and an opaque state, and resumes the call with the answer', async () => {
    const first = inputRequired(await call('r1', 'l_elicit_twice'));
    const [key, request] = Object.entries(first.inputRequests)[0] ?? [];
    expect(request).toMatchObject({ method: 'elicitation/create', params: { message: 'What is your name?' } });
    expect(first.requestState).toMatch(/^mcpgw1\./);
    const second = inputRequired(await call('r2', 'l_elicit_twice', { requestState: first.requestState, inputResponses: { [key as string]: ACCEPT_NAME } }));
    expect(Object.values(second.inputRequests)[0]).toMatchObject({ method: 'elicitation/create', params: { message: 'Pick a colour' } });
    const [colourKey] = Object.keys(second.inputRequests);
    const done = await call('r3', 'l_elicit_twice', { requestState: second.requestState, inputResponses: { [colourKey as string]: { action: 'accept', content: { colour: 'red' } } } });
    expect(done.body).toMatchObject({ id: 'r3', result: { resultType: 'complete', structuredContent: { first: ACCEPT_NAME, second: { action: 'accept', content: { colour: 'red' } } } } });
  });

  it('asks again for what a retry left out, rather than failing', async () => {
    const first = inputRequired(await call('m1', 'l_elicit_twice'));
    const again = inputRequired(await call('m2', 'l_elicit_twice', { requestState: first.requestState, inputResponses: {} }));
    expect(again.inputRequests).toEqual(first.inputRequests);
    expect(again.requestState).toBe(first.requestState);
  });

  it('is refused on another request than the one it came from, and still works on its own', async () => {
    const first = inputRequired(await call('b1', 'l_elicit_twice'));
    const [key] = Object.keys(first.inputRequests);
    const other = await call('b2', 'l_echo', { requestState: first.requestState, inputResponses: { [key as string]: ACCEPT_NAME } });
    expect(other.body).toMatchObject({ id: 'b2', error: { code: -32602 } });
    expect((other.body?.['error'] as { message: string }).message).toMatch(/requestState/);
    const own = inputRequired(await call('b3', 'l_elicit_twice', { requestState: first.requestState, inputResponses: { [key as string]: ACCEPT_NAME } }));
    expect(Object.values(own.inputRequests)[0]).toMatchObject({ params: { message: 'Pick a colour' } });
  });

  it('is refused when forged; replaying an answered round re-asks the pending question instead of answering twice', async () => {
    const forged = await call('f1', 'l_elicit_twice', { requestState: 'mcpgw1.00000000-0000-4000-8000-000000000000', inputResponses: {} });
    expect(forged.body).toMatchObject({ id: 'f1', error: { code: -32602 } });
    const first = inputRequired(await call('u1', 'l_elicit_twice'));
    const [key] = Object.keys(first.inputRequests);
    const retry = { requestState: first.requestState, inputResponses: { [key as string]: ACCEPT_NAME } };
    const second = inputRequired(await call('u2', 'l_elicit_twice', retry));
    const replayed = inputRequired(await call('u3', 'l_elicit_twice', retry));
    expect(replayed.inputRequests).toEqual(second.inputRequests);
  });

  it('expires with the exchange: after timeouts.upstreamRequestMs the state is refused', async () => {
    const first = inputRequired(await call('e1', 'l_elicit_twice'));
    const [key] = Object.keys(first.inputRequests);
    await new Promise((resolve) => setTimeout(resolve, EXCHANGE_TTL_MS + 500));
    const late = await call('e2', 'l_elicit_twice', { requestState: first.requestState, inputResponses: { [key as string]: ACCEPT_NAME } });
    expect(late.body).toMatchObject({ id: 'e2', error: { code: -32602 } });
    expect((late.body?.['error'] as { message: string }).message).toMatch(/expired/);
  });
});
