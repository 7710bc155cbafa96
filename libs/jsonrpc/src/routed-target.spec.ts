import { describe, it, expect } from '@jest/globals';
import { routedTarget, withRoutedTarget } from './routed-target';
import type { JsonRpcRequest } from './json-rpc-message';

function request(method: string, params?: JsonRpcRequest['params']): JsonRpcRequest {
  return params === undefined ? { jsonrpc: '2.0', id: 1, method } : { jsonrpc: '2.0', id: 1, method, params };
}

describe('routedTarget', () => {
  it.each([
    ['tools/call', { name: 'weather_get', arguments: {} }, { field: 'name', value: 'weather_get' }],
    ['prompts/get', { name: 'docs_summarise' }, { field: 'name', value: 'docs_summarise' }],
    ['resources/read', { uri: 'docs+file:///a' }, { field: 'uri', value: 'docs+file:///a' }],
    ['resources/subscribe', { uri: 'x://1' }, { field: 'uri', value: 'x://1' }],
    ['resources/unsubscribe', { uri: 'x://1' }, { field: 'uri', value: 'x://1' }],
    ['completion/complete', { ref: { type: 'ref/prompt', name: 'docs_summarise' }, argument: { name: 'a', value: '' } }, { field: 'name', value: 'docs_summarise' }],
    ['completion/complete', { ref: { type: 'ref/resource', uri: 'docs+file:///{path}' }, argument: { name: 'path', value: '' } }, { field: 'uri', value: 'docs+file:///{path}' }],
  ])('finds the target of %s', (method, params, expected) => {
    expect(routedTarget(request(method, params))).toEqual(expected);
  });

  it.each<[string, JsonRpcRequest['params']]>([
    ['tools/list', {}],
    ['tools/call', undefined],
    ['tools/call', ['weather_get']],
    ['tools/call', { name: 5 }],
    ['resources/read', { name: 'not-a-uri-field' }],
    ['completion/complete', { ref: { type: 'ref/unknown', name: 'x' } }],
    ['completion/complete', { ref: 'docs_summarise' }],
  ])('is undefined for %s with params %j', (method, params) => {
    expect(routedTarget(request(method, params))).toBeUndefined();
  });
});

describe('withRoutedTarget', () => {
  it('returns a new request with only the target rewritten, leaving the original as it was', () => {
    const original = request('tools/call', { name: 'weather_get', arguments: { city: 'Oslo' }, _meta: { progressToken: 1 } });
    const rewritten = withRoutedTarget(original, 'get');
    expect(rewritten).toEqual(request('tools/call', { name: 'get', arguments: { city: 'Oslo' }, _meta: { progressToken: 1 } }));
    expect(original.params).toEqual({ name: 'weather_get', arguments: { city: 'Oslo' }, _meta: { progressToken: 1 } });
    expect((rewritten.params as Record<string, unknown>).arguments).toBe((original.params as Record<string, unknown>).arguments);
  });

  it('rewrites the uri of a resource request', () => {
    expect(withRoutedTarget(request('resources/read', { uri: 'docs+file:///a' }), 'file:///a')).toEqual(request('resources/read', { uri: 'file:///a' }));
  });

  it('rewrites the name or uri inside the reference of a completion request', () => {
    const prompt = request('completion/complete', { ref: { type: 'ref/prompt', name: 'docs_summarise' }, argument: { name: 'a', value: 'b' } });
    expect(withRoutedTarget(prompt, 'summarise')).toEqual(
      request('completion/complete', { ref: { type: 'ref/prompt', name: 'summarise' }, argument: { name: 'a', value: 'b' } }),
    );
    expect((prompt.params as { ref: { name: string } }).ref.name).toBe('docs_summarise');
    const resource = request('completion/complete', { ref: { type: 'ref/resource', uri: 'docs+file:///{p}' } });
    expect(routedTarget(withRoutedTarget(resource, 'file:///{p}'))).toEqual({ field: 'uri', value: 'file:///{p}' });
  });

  it('returns the request itself when it has no routed target', () => {
    const list = request('tools/list', {});
    expect(withRoutedTarget(list, 'x')).toBe(list);
    const nameless = request('tools/call', {});
    expect(withRoutedTarget(nameless, 'x')).toBe(nameless);
  });
});
