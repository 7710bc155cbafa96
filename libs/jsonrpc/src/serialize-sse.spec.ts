import { describe, it, expect } from '@jest/globals';
import { serializeSseComment, serializeSseEvent } from './serialize-sse';
import { SseParser } from './sse-parser';

describe('serializeSseEvent', () => {
  it('writes event, id, retry and data fields and closes the event with a blank line', () => {
    expect(serializeSseEvent({ event: 'message', id: 'e-1', retry: 3000, data: '{"jsonrpc":"2.0"}' })).toBe(
      'event: message\nid: e-1\nretry: 3000\ndata: {"jsonrpc":"2.0"}\n\n',
    );
  });

  it('writes only data when nothing else is set', () => {
    expect(serializeSseEvent({ data: 'x' })).toBe('data: x\n\n');
  });

  it('splits multi-line data into one data line per line, whatever the line breaks', () => {
    expect(serializeSseEvent({ data: 'a\nb\r\nc\rd' })).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n');
  });

  it('writes empty data as one empty data line, so the event is still dispatched', () => {
    expect(serializeSseEvent({ id: 'prime', data: '' })).toBe('id: prime\ndata: \n\n');
    expect(new SseParser().push(serializeSseEvent({ id: 'prime', data: '' }))).toEqual([{ id: 'prime', data: '' }]);
  });

  it('keeps leading spaces of a value, which a reader strips only one of', () => {
    const event = { data: '  indented', id: ' spaced' };
    expect(new SseParser().push(serializeSseEvent(event))).toEqual([event]);
  });

  it('leaves out an empty event type, the default "message"', () => {
    expect(serializeSseEvent({ event: '', data: 'x' })).toBe('data: x\n\n');
  });

  it.each([
    ['a line break in the event type', { event: 'a\nb', data: '' }],
    ['a line break in the id', { id: 'a\rb', data: '' }],
    ['NULL in the id', { id: 'a\0b', data: '' }],
    ['a negative retry', { retry: -1, data: '' }],
    ['a fractional retry', { retry: 1.5, data: '' }],
  ])('refuses %s with a RangeError', (_name, event) => {
    expect(() => serializeSseEvent(event)).toThrow(RangeError);
  });
});

describe('serializeSseComment', () => {
  it('writes a keep-alive comment that readers skip', () => {
    expect(serializeSseComment('keep-alive')).toBe(': keep-alive\n\n');
    expect(new SseParser().push(`${serializeSseComment('keep-alive')}data: x\n\n`)).toEqual([{ data: 'x' }]);
  });

  it('turns every line of a multi-line text into a comment line', () => {
    expect(serializeSseComment('a\nb')).toBe(': a\n: b\n\n');
    expect(new SseParser().push(serializeSseComment('a\ndata: injected'))).toEqual([]);
  });
});
