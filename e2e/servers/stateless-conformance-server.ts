// The fixture the 2026-07-28 requirement set of the official MCP conformance suite
// (@modelcontextprotocol/conformance 0.2.0-alpha.12, installed as `conformance-next`) runs
// against: a stateless-era server (2026-07-28 only, stateless-http-host.ts) with
//
// - every tool, prompt and resource of the session-era fixture (conformance-server.ts:
//   `test_simple_text`, `test://static-text`, `test_simple_prompt`, …), which the 2026
//   scenarios call under the same names;
// - the input-required tools and prompt of the `input-required-result-*` scenarios, with the
//   keys, messages and schemas their descriptions give, and an HMAC-protected requestState
//   where the scenario checks integrity;
// - the diagnostic tools of `server-stateless` (`test_missing_capability`,
//   `test_streaming_elicitation`, `test_logging_tool`, `test_trigger_tool_change`,
//   `test_trigger_prompt_change`).
//
// Written from the scenario descriptions and the MCP specification, not from the suite's
// own example server. Loopback only; closed by close().
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import type { McpServer, ServerContext } from '@modelcontextprotocol/server';
import { createConformanceMcpServer } from './conformance-server';
import { isMainModule, runServerCli, type ListeningServer } from './server-cli';
import { startStatelessHttpHost } from './stateless-http-host';

export const STATELESS_CONFORMANCE_SERVER_NAME = 'stateless-conformance-server';

const CLIENT_CAPABILITIES_META_KEY = 'io.modelcontextprotocol/clientCapabilities';

type InputRequests = Record<string, { method: string; params: Record<string, unknown> }>;

function text(value: string): { content: Array<{ type: 'text'; text: string }> } {
  return { content: [{ type: 'text', text: value }] };
}

/** MCP 2026-07-28 InputRequiredResult, built by hand (the spec's literal shape). */
function inputRequired(inputRequests: InputRequests | undefined, requestState?: string): never {
  // Thrown as a value the handler returns: see `respond` below.
  throw new InputRequiredAnswer({ resultType: 'input_required', ...(inputRequests ? { inputRequests } : {}), ...(requestState ? { requestState } : {}) });
}

class InputRequiredAnswer {
  constructor(readonly result: Record<string, unknown>) {}
}

/** Runs a handler body that may "throw" an input-required answer; returns what the SDK expects. */
async function respond<T>(body: () => T | Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (thrown) {
    if (thrown instanceof InputRequiredAnswer) return thrown.result as T;
    throw thrown;
  }
}

function elicitation(message: string, property: string, type: 'string' | 'boolean' = 'string'): { method: string; params: Record<string, unknown> } {
  return {
    method: 'elicitation/create',
    params: { message, requestedSchema: { type: 'object', properties: { [property]: { type } }, required: [property] } },
  };
}

function accepted(responses: Record<string, unknown> | undefined, key: string, property: string): unknown {
  const response = responses?.[key] as { action?: unknown; content?: Record<string, unknown> } | undefined;
  return response?.action === 'accept' ? response.content?.[property] : undefined;
}

/** requestState sealed with an HMAC: `<base64url payload>.<base64url tag>`. */
class SealedState {
  private readonly key = randomBytes(32);

  seal(payload: string): string {
    const body = Buffer.from(payload, 'utf8').toString('base64url');
    return `${body}.${this.tag(body)}`;
  }

  /** The payload, or a -32602 error for a state that fails verification. */
  open(state: unknown): string {
    if (typeof state !== 'string') throw invalidState();
    const [body, tag] = state.split('.');
    if (body === undefined || tag === undefined) throw invalidState();
    const expected = Buffer.from(this.tag(body));
    const given = Buffer.from(tag);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalidState();
    return Buffer.from(body, 'base64url').toString('utf8');
  }

  private tag(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

function invalidState(): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.InvalidParams, 'Invalid requestState: integrity check failed');
}

function declared(ctx: ServerContext): Record<string, unknown> {
  const capabilities = (ctx.mcpReq.envelope as Record<string, unknown> | undefined)?.[CLIENT_CAPABILITIES_META_KEY];
  return typeof capabilities === 'object' && capabilities !== null ? (capabilities as Record<string, unknown>) : {};
}

interface MutableSurface {
  readonly tools: string[];
  readonly prompts: string[];
}

function registerInputRequiredTools(server: McpServer, sealed: SealedState): void {
  server.registerTool('test_input_required_result_elicitation', { description: 'Asks for a name (input-required elicitation)' }, (ctx) =>
    respond(() => {
      const name = accepted(ctx.mcpReq.inputResponses, 'user_name', 'name');
      if (typeof name !== 'string') inputRequired({ user_name: elicitation('What is your name?', 'name') });
      return text(`Hello, ${String(name)}!`);
    }),
  );

  server.registerTool('test_input_required_result_sampling', { description: 'Asks the client model (input-required sampling)' }, (ctx) =>
    respond(() => {
      const answer = ctx.mcpReq.inputResponses?.['capital_question'] as { content?: { type?: string; text?: string } } | undefined;
      if (answer?.content === undefined) {
        inputRequired({
          capital_question: {
            method: 'sampling/createMessage',
            params: { messages: [{ role: 'user', content: { type: 'text', text: 'What is the capital of France?' } }], maxTokens: 100 },
          },
        });
      }
      return text(`The model answered: ${answer?.content?.text ?? '(no text)'}`);
    }),
  );

  server.registerTool('test_input_required_result_list_roots', { description: 'Asks for the client roots (input-required roots/list)' }, (ctx) =>
    respond(() => {
      const answer = ctx.mcpReq.inputResponses?.['client_roots'] as { roots?: Array<{ uri?: string }> } | undefined;
      if (!Array.isArray(answer?.roots)) inputRequired({ client_roots: { method: 'roots/list', params: {} } });
      return text(`Roots: ${(answer?.roots ?? []).map((root) => root.uri).join(', ')}`);
    }),
  );

  server.registerTool('test_input_required_result_request_state', { description: 'Round-trips an opaque requestState' }, (ctx) =>
    respond(() => {
      const state = ctx.mcpReq.requestState<string>();
      const ok = accepted(ctx.mcpReq.inputResponses, 'confirm', 'ok');
      if (state === undefined || ok === undefined) {
        inputRequired({ confirm: elicitation('Please confirm', 'ok', 'boolean') }, sealed.seal('request-state-round-1'));
      }
      if (sealed.open(state) !== 'request-state-round-1') throw invalidState();
      return text('state-ok: the requestState came back intact');
    }),
  );

  server.registerTool('test_input_required_result_multiple_inputs', { description: 'Asks for three inputs at once' }, (ctx) =>
    respond(() => {
      const responses = ctx.mcpReq.inputResponses ?? {};
      const state = ctx.mcpReq.requestState<string>();
      const complete = ['user_name', 'greeting', 'client_roots'].every((key) => key in responses);
      if (state === undefined || !complete) {
        inputRequired(
          {
            user_name: elicitation('What is your name?', 'name'),
            greeting: { method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: 'Generate a greeting' } }], maxTokens: 50 } },
            client_roots: { method: 'roots/list', params: {} },
          },
          sealed.seal('multiple-inputs'),
        );
      }
      sealed.open(state);
      return text(`Received all inputs for ${String(accepted(responses, 'user_name', 'name'))}`);
    }),
  );

  server.registerTool('test_input_required_result_multi_round', { description: 'Two rounds of input with evolving requestState' }, (ctx) =>
    respond(() => {
      const state = ctx.mcpReq.requestState<string>();
      const responses = ctx.mcpReq.inputResponses;
      if (state === undefined) inputRequired({ step1: elicitation('Step 1: What is your name?', 'name') }, sealed.seal(JSON.stringify({ round: 1 })));
      const progress = JSON.parse(sealed.open(state)) as { round: number; name?: string };
      if (progress.round === 1) {
        const name = accepted(responses, 'step1', 'name');
        if (typeof name !== 'string') inputRequired({ step1: elicitation('Step 1: What is your name?', 'name') }, state);
        inputRequired({ step2: elicitation('Step 2: What is your favorite color?', 'color') }, sealed.seal(JSON.stringify({ round: 2, name })));
      }
      const color = accepted(responses, 'step2', 'color');
      if (typeof color !== 'string') inputRequired({ step2: elicitation('Step 2: What is your favorite color?', 'color') }, state);
      return text(`${progress.name ?? 'someone'} likes ${String(color)}`);
    }),
  );

  // The state's integrity is checked before the SDK sees the request (see tamperedStateRefusal):
  // a tool cannot answer with a JSON-RPC error through McpServer.
  server.registerTool('test_input_required_result_tampered_state', { description: 'Rejects a requestState that fails its integrity check' }, (ctx) =>
    respond(() => {
      const state = ctx.mcpReq.requestState<string>();
      if (state === undefined) inputRequired({ user_name: elicitation('What is your name?', 'name') }, sealed.seal('tamper-proof'));
      return text(`Hello, ${String(accepted(ctx.mcpReq.inputResponses, 'user_name', 'name') ?? 'stranger')}!`);
    }),
  );

  server.registerTool('test_input_required_result_capabilities', { description: 'Asks only for what the client declared' }, (ctx) =>
    respond(() => {
      const capabilities = declared(ctx);
      const responses = ctx.mcpReq.inputResponses;
      if (responses === undefined) {
        const requests: InputRequests = {};
        if (capabilities['elicitation'] !== undefined) requests['user_name'] = elicitation('What is your name?', 'name');
        if (capabilities['sampling'] !== undefined) {
          requests['greeting'] = { method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: 'Generate a greeting' } }], maxTokens: 50 } };
        }
        if (capabilities['roots'] !== undefined) requests['client_roots'] = { method: 'roots/list', params: {} };
        if (Object.keys(requests).length > 0) inputRequired(requests);
      }
      return text('done with what the client could give');
    }),
  );

  server.registerPrompt('test_input_required_result_prompt', { description: 'A prompt that needs input first' }, (ctx) =>
    respond(() => {
      const context = accepted(ctx.mcpReq.inputResponses, 'user_context', 'context');
      if (typeof context !== 'string') inputRequired({ user_context: elicitation('What context should the prompt use?', 'context') });
      return { messages: [{ role: 'user' as const, content: { type: 'text' as const, text: `Use this context: ${String(context)}` } }] };
    }),
  );
}

function registerStatelessDiagnostics(server: McpServer, surface: MutableSurface, notify: () => { toolsChanged(): void; promptsChanged(): void }): void {
  // Needs the client's model: without the sampling capability, the input-required seam of
  // the SDK refuses the sampling request with -32021 and HTTP 400 (spec "_meta").
  server.registerTool('test_missing_capability', { description: 'Needs the sampling capability; refused with -32021 without it' }, (ctx) =>
    respond(() => {
      if (declared(ctx)['sampling'] === undefined || ctx.mcpReq.inputResponses === undefined) {
        inputRequired({ model: { method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: 'ready?' } }], maxTokens: 10 } } });
      }
      return text('the client declared sampling');
    }),
  );

  server.registerTool('test_streaming_elicitation', { description: 'Asks for input the 2026-07-28 way: an input-required result, never a request on the stream' }, (ctx) =>
    respond(() => {
      const name = accepted(ctx.mcpReq.inputResponses, 'user_name', 'name');
      if (typeof name !== 'string') inputRequired({ user_name: elicitation('What is your name?', 'name') });
      return text(`Hello, ${String(name)}!`);
    }),
  );

  server.registerTool('test_logging_tool', { description: 'Logs only when the request asked for logs (_meta logLevel)' }, async (ctx) => {
    await ctx.mcpReq.log('info', 'test_logging_tool ran');
    return text('logged only if asked');
  });

  server.registerTool('test_trigger_tool_change', { description: 'Adds a tool and announces the change' }, () => {
    surface.tools.push(`test_dynamic_tool_${surface.tools.length + 1}`);
    notify().toolsChanged();
    return text('tool list changed');
  });

  server.registerTool('test_trigger_prompt_change', { description: 'Adds a prompt and announces the change' }, () => {
    surface.prompts.push(`test_dynamic_prompt_${surface.prompts.length + 1}`);
    notify().promptsChanged();
    return text('prompt list changed');
  });

  for (const name of surface.tools) server.registerTool(name, { description: 'added by test_trigger_tool_change' }, () => text(name));
  for (const name of surface.prompts) {
    server.registerPrompt(name, { description: 'added by test_trigger_prompt_change' }, () => ({ messages: [{ role: 'user' as const, content: { type: 'text' as const, text: name } }] }));
  }
}

/** A tampered requestState on the tampered-state tool is refused with -32602 (spec MRTR
 * "Server Requirements" 4: reject state that fails verification). */
function tamperedStateRefusal(sealed: SealedState, body: Record<string, unknown>): Record<string, unknown> | undefined {
  const params = body['params'] as { name?: unknown; requestState?: unknown } | undefined;
  if (body['method'] !== 'tools/call' || params?.name !== 'test_input_required_result_tampered_state' || params.requestState === undefined) return undefined;
  try {
    sealed.open(params.requestState);
    return undefined;
  } catch (error) {
    return { jsonrpc: '2.0', id: body['id'] ?? null, error: { code: ProtocolErrorCode.InvalidParams, message: (error as Error).message } };
  }
}

export async function startStatelessConformanceServer(options: { port?: number } = {}): Promise<ListeningServer> {
  const sealed = new SealedState();
  const surface: MutableSurface = { tools: [], prompts: [] };
  const holder: { notify?: { toolsChanged(): void; promptsChanged(): void } } = {};
  const host = await startStatelessHttpHost({
    port: options.port,
    refuse: (body) => tamperedStateRefusal(sealed, body),
    createServer: () => {
      const server = createConformanceMcpServer();
      registerInputRequiredTools(server, sealed);
      registerStatelessDiagnostics(server, surface, () => holder.notify as { toolsChanged(): void; promptsChanged(): void });
      return server;
    },
  });
  holder.notify = host.notify;
  return { url: host.url, port: host.port, close: () => host.close() };
}

if (isMainModule(import.meta.url)) {
  void runServerCli(STATELESS_CONFORMANCE_SERVER_NAME, ({ port }) => startStatelessConformanceServer({ port }));
}
