import { describe, it, expect } from '@jest/globals';
import { classifyClientMethod, isServerToClientRequestMethod } from './method-route';

describe('classifyClientMethod', () => {
  it.each([
    ['tools/call', 'tool'],
    ['prompts/get', 'prompt'],
    ['resources/read', 'resource'],
    ['resources/subscribe', 'resource'],
    ['resources/unsubscribe', 'resource'],
    ['completion/complete', 'completion'],
  ])('routes %s to the upstream that owns the %s', (method, target) => {
    expect(classifyClientMethod(method)).toEqual({ kind: 'upstream', target });
  });

  it.each([
    'initialize',
    'notifications/initialized',
    'ping',
    'server/discover',
    'subscriptions/listen',
    'tools/list',
    'prompts/list',
    'resources/list',
    'resources/templates/list',
    'logging/setLevel',
    'tasks/get',
    'tasks/result',
    'tasks/list',
    'tasks/cancel',
  ])('lets the gateway answer %s itself', (method) => {
    expect(classifyClientMethod(method)).toEqual({ kind: 'gateway' });
  });

  it('lets the gateway answer unknown methods, with Method not found', () => {
    expect(classifyClientMethod('tools/explode')).toEqual({ kind: 'gateway' });
    expect(classifyClientMethod('__proto__')).toEqual({ kind: 'gateway' });
    expect(classifyClientMethod('')).toEqual({ kind: 'gateway' });
  });

  it.each(['notifications/cancelled', 'notifications/progress', 'notifications/roots/list_changed', 'notifications/some_future_thing'])(
    'sends %s down the client-notification path',
    (method) => {
      expect(classifyClientMethod(method)).toEqual({ kind: 'client-notification' });
    },
  );
});

describe('isServerToClientRequestMethod', () => {
  it.each(['elicitation/create', 'sampling/createMessage', 'roots/list', 'ping'])('is true for %s', (method) => {
    expect(isServerToClientRequestMethod(method)).toBe(true);
  });

  it.each(['tools/call', 'notifications/message', 'initialize', 'constructor'])('is false for %s', (method) => {
    expect(isServerToClientRequestMethod(method)).toBe(false);
  });
});
