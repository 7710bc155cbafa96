// Micro-benchmark for the hot functions of @mcp-gateway/jsonrpc. Not a test: it prints
// operations per second so a change to the parser can be compared with plain JSON.parse.
// Run: node --import tsx libs/jsonrpc/bench/parse.bench.ts
import { parseJsonRpc, serializeSseEvent, SseParser, withRoutedTarget, routedTarget } from '../src/index';
import type { JsonRpcRequest } from '../src/index';

const DURATION_MS = 400;

function measure(name: string, body: () => unknown): void {
  // Warm up so the numbers are for optimised code.
  for (let i = 0; i < 20_000; i++) body();
  let operations = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(DURATION_MS) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 1_000; i++) body();
    operations += 1_000;
    now = process.hrtime.bigint();
  }
  const seconds = Number(now - start) / 1e9;
  console.log(`${name.padEnd(52)} ${Math.round(operations / seconds).toLocaleString('en-US').padStart(12)} ops/s`);
}

const toolCall = JSON.stringify({
  jsonrpc: '2.0',
  id: 42,
  method: 'tools/call',
  params: { name: 'weather_get_forecast', arguments: { city: 'Oslo', days: 3, units: 'metric' }, _meta: { progressToken: 'p-42' } },
});
const toolCallBytes = Buffer.from(toolCall);
const largeResult = JSON.stringify({
  jsonrpc: '2.0',
  id: 42,
  result: { content: Array.from({ length: 100 }, (_, i) => ({ type: 'text', text: `line ${i} `.repeat(10) })) },
});
const largeResultBytes = Buffer.from(largeResult);

measure(`JSON.parse, tools/call (${toolCall.length} B string) [baseline]`, () => JSON.parse(toolCall));
measure(`parseJsonRpc, tools/call (${toolCall.length} B string)`, () => parseJsonRpc(toolCall));
measure(`JSON.parse(buf.toString()), tools/call (Buffer) [baseline]`, () => JSON.parse(toolCallBytes.toString('utf8')));
measure(`parseJsonRpc, tools/call (${toolCallBytes.length} B Buffer)`, () => parseJsonRpc(toolCallBytes));
measure(`parseJsonRpc, result (${largeResultBytes.length} B Buffer)`, () => parseJsonRpc(largeResultBytes));
measure('parseJsonRpc, invalid JSON', () => parseJsonRpc('{"jsonrpc":"2.0","id":1,'));
measure('parseJsonRpc, invalid envelope', () => parseJsonRpc('{"jsonrpc":"2.0","id":null,"method":"ping"}'));

const parsed = parseJsonRpc(toolCall);
const request = (parsed.ok && parsed.kind === 'single' ? parsed.message : undefined) as JsonRpcRequest;
measure('routedTarget + withRoutedTarget (strip prefix)', () => {
  const target = routedTarget(request);
  return target === undefined ? request : withRoutedTarget(request, target.value.slice(8));
});

const event = serializeSseEvent({ event: 'message', id: 'stream-1_42', data: largeResult.slice(0, 600) });
const eventBytes = Buffer.from(event);
measure(`serializeSseEvent (${eventBytes.length} B event)`, () => serializeSseEvent({ event: 'message', id: 'stream-1_42', data: toolCall }));
const sseParser = new SseParser();
measure(`SseParser.push, one whole event per chunk (${eventBytes.length} B)`, () => sseParser.push(eventBytes));
const halves = [eventBytes.subarray(0, 301), eventBytes.subarray(301)];
measure('SseParser.push, each event split in two chunks', () => {
  sseParser.push(halves[0] as Uint8Array);
  return sseParser.push(halves[1] as Uint8Array);
});
