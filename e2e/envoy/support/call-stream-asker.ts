// A small session-era MCP server for the two-face suite whose tool asks the client a
// question on the call's own SSE stream (`ctx.mcpReq.send`, MCP 2025-11-25 "Transports"),
// twice, so both faces must map the ids of server-initiated requests on a routed answer
// and send the client's answers back under the upstream's ids.
import { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { startStreamableHttpHost, type StreamableHttpHost } from '../../servers/streamable-http-host';

export const CALL_STREAM_ASKER_NAME = 'asker';

/** What the server saw as the ids of its own elicitation requests (to compare with the client's). */
export interface CallStreamAsker extends StreamableHttpHost {
  readonly askedIds: Array<string | number>;
}

function createAskerServer(): McpServer {
  const server = new McpServer({ name: CALL_STREAM_ASKER_NAME, version: '1.0.0' });
  server.registerTool('ask_twice', { description: 'Asks two questions on the call stream', inputSchema: z.object({}) }, async (_args, ctx) => {
    const answers: string[] = [];
    for (const question of ['Who are you?', 'Where are you?']) {
      const answer = await ctx.mcpReq.send({
        method: 'elicitation/create',
        params: { mode: 'form', message: question, requestedSchema: { type: 'object', properties: { value: { type: 'string' } }, required: ['value'] } },
      });
      answers.push(answer.action === 'accept' ? String(answer.content?.['value']) : answer.action);
    }
    return { content: [{ type: 'text', text: answers.join(' / ') }] };
  });
  return server;
}

export async function startCallStreamAsker(): Promise<CallStreamAsker> {
  const askedIds: Array<string | number> = [];
  const host = await startStreamableHttpHost({
    name: CALL_STREAM_ASKER_NAME,
    createSession: () => createAskerServer(),
    observeClientMessage: (message) => {
      // The client's answers reach the server under the server's own request ids.
      if (!('method' in message) && (typeof message['id'] === 'number' || typeof message['id'] === 'string')) askedIds.push(message['id']);
    },
  });
  return Object.assign(host, { askedIds });
}
