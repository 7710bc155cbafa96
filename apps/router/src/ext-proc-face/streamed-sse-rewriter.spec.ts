// The chunk-by-chunk SSE rewriter: whatever way an answer is cut into chunks, what leaves is
// the same stream with only the server-to-client requests rewritten, in order; chunks made of
// whole events that hold no request pass untouched.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { StreamedSseRewriter, type SseEventRewrite } from './streamed-sse-rewriter';

const rewrite: SseEventRewrite = {
  mayRewrite: (data) => data.indexOf('"method"') !== -1 && data.indexOf('"id"') !== -1,
  rewrite: async (data) => {
    const message = JSON.parse(data) as { id?: unknown; method?: string };
    return message.method === 'elicitation/create' ? JSON.stringify({ ...message, id: `gw-${String(message.id)}` }) : undefined;
  },
};

const events: [string, string, string] = [
  'event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progress":1}}\n\n',
  'event: message\ndata: {"jsonrpc":"2.0","id":42,"method":"elicitation/create","params":{"message":"é?"}}\n\n',
  'event: message\ndata: {"jsonrpc":"2.0","id":1,"result":{"content":[]}}\n\n',
];
const expected = events[0] + events[1].replace('"id":42', '"id":"gw-42"') + events[2];

async function run(chunks: Buffer[]): Promise<{ out: string; untouched: number }> {
  const rewriter = new StreamedSseRewriter(rewrite);
  let out = '';
  let untouched = 0;
  for (const [index, chunk] of chunks.entries()) {
    const replacement = await rewriter.push(chunk, index === chunks.length - 1);
    if (replacement === undefined) untouched += 1;
    out += (replacement ?? chunk).toString('utf8');
  }
  return { out, untouched };
}

describe('StreamedSseRewriter', () => {
  it('passes chunks of whole events without a request untouched', async () => {
    const { out, untouched } = await run([Buffer.from(events[0]), Buffer.from(events[2])]);
    expect(untouched).toBe(2);
    expect(out).toBe(events[0] + events[2]);
  });

  it('rewrites the request and keeps everything in order, however the stream is cut into chunks', async () => {
    const whole = Buffer.from(events.join(''), 'utf8');
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: whole.length - 1 }), { maxLength: 12 }), async (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), whole.length];
        const chunks = points.slice(1).map((end, index) => whole.subarray(points[index], end));
        expect((await run(chunks)).out).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });
});
