import { describe, it, expect } from '@jest/globals';
import { UriTemplatePattern } from './uri-template-pattern';

describe('UriTemplatePattern', () => {
  it.each([
    ['users://{id}', 'users://42', true],
    ['users://{id}', 'users://42/posts', false],
    ['files://{+path}', 'files://a/b/c.txt', true],
    ['search://{term}{?limit,offset}', 'search://cats?limit=3', true],
    ['search://{term}{?limit,offset}', 'search://cats', true],
    ['repo://{owner}{/name}', 'repo://anthropic/sdk', true],
    ['doc://x{#section}', 'doc://x#intro', true],
    ['plain://fixed.txt', 'plain://fixed.txt', true],
    ['plain://fixed.txt', 'plain://fixedXtxt', false],
  ])('template %s matches %s: %s', (template, uri, expected) => {
    expect(new UriTemplatePattern(template).matches(uri)).toBe(expected);
  });

  it('keeps the literal text before the first expression', () => {
    expect(new UriTemplatePattern('weather_city://{name}/today').literalPrefix).toBe('weather_city://');
    expect(new UriTemplatePattern('plain://x').literalPrefix).toBe('plain://x');
  });
});
