import { describe, expect, it } from '@jest/globals';
import { InMemoryServerRequestIdMapper } from '@mcp-gateway/id-mapper';
import { InMemoryRootsAskers } from '../server-requests/roots-askers';
import { ServerRequestRemapper } from './server-request-remapper';

const call = { gatewaySessionId: 'gateway-session', serverName: 'weather', upstreamSessionId: 'upstream-1', requestId: 7 };

function remapper(): { remapper: ServerRequestRemapper; askers: InMemoryRootsAskers } {
  const askers = new InMemoryRootsAskers(60_000);
  return { remapper: new ServerRequestRemapper(new InMemoryServerRequestIdMapper(), 60_000, { rootsAskers: askers }), askers };
}

describe('ServerRequestRemapper', () => {
  it('tells the client of an upstream cancelling its own request under the gateway id, and refuses a late answer', async () => {
    const { remapper: subject } = remapper();
    const asked = JSON.parse((await subject.outbound(call, '{"jsonrpc":"2.0","id":3,"method":"elicitation/create","params":{}}')) ?? '{}') as { id: string };
    const cancel = '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3,"reason":"timed out"}}';
    expect(ServerRequestRemapper.mayHoldRequest(cancel)).toBe(true);
    expect(JSON.parse((await subject.outbound(call, cancel)) ?? '{}')).toEqual({
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: asked.id, reason: 'timed out' },
    });
    expect(await subject.inbound(call.gatewaySessionId, { jsonrpc: '2.0', id: asked.id, result: { action: 'accept' } })).toBeUndefined();
  });

  it('passes an upstream cancellation of something it did not ask through the gateway unchanged', async () => {
    const { remapper: subject } = remapper();
    expect(await subject.outbound(call, '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}}')).toBeUndefined();
    // Same id on another upstream session is another request.
    await subject.outbound(call, '{"jsonrpc":"2.0","id":3,"method":"ping"}');
    expect(await subject.outbound({ ...call, upstreamSessionId: 'upstream-2' }, '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}}')).toBeUndefined();
  });

  it('records the upstream sessions that ask for roots', async () => {
    const { remapper: subject, askers } = remapper();
    await subject.outbound(call, '{"jsonrpc":"2.0","id":1,"method":"roots/list"}');
    await subject.outbound({ ...call, serverName: 'files', upstreamSessionId: 'upstream-9' }, '{"jsonrpc":"2.0","id":1,"method":"elicitation/create","params":{}}');
    expect(await askers.list(call.gatewaySessionId)).toEqual([{ serverName: 'weather', upstreamSessionId: 'upstream-1' }]);
  });

  it('forgets what the client asked during a call it cancelled', async () => {
    const { remapper: subject } = remapper();
    const asked = JSON.parse((await subject.outbound(call, '{"jsonrpc":"2.0","id":4,"method":"sampling/createMessage","params":{}}')) ?? '{}') as { id: string };
    await subject.clientCancelled(call.gatewaySessionId, call.requestId);
    expect(await subject.inbound(call.gatewaySessionId, { jsonrpc: '2.0', id: asked.id, result: {} })).toBeUndefined();
  });
});
