import { describe, expect, it } from '@jest/globals';
import { relayableClientCapabilities } from './relayable-client-capabilities';

describe('relayableClientCapabilities', () => {
  it('keeps elicitation, sampling and roots exactly as the client declared them', () => {
    const declared = { elicitation: { form: {}, url: {} }, sampling: { context: {}, tools: {} }, roots: { listChanged: true } };
    expect(relayableClientCapabilities(declared)).toEqual(declared);
  });

  it('declares nothing the client did not declare (a form-only client is never asked in url mode)', () => {
    expect(relayableClientCapabilities({ elicitation: { form: {} } })).toEqual({ elicitation: { form: {} } });
    expect(relayableClientCapabilities({})).toEqual({});
  });

  it('leaves out what the gateway cannot relay: tasks, experimental, extensions, malformed entries', () => {
    expect(
      relayableClientCapabilities({
        tasks: { requests: { sampling: { createMessage: {} } } },
        experimental: { custom: {} },
        extensions: { 'io.example/x': {} },
        sampling: true,
        roots: [],
      }),
    ).toEqual({});
  });
});
