// A mixed MCP workload for the scaling suites: workers, each an MCP SDK v2 client with its
// own gateway session, looping over what real clients do — list, call, a call with
// progress notifications, a prompt, a resource, calls during which the upstream asks the
// client something (roots/list on the call's stream, two elicitations on the upstream's GET
// stream; each answer goes through whichever replica takes it), ping, a cancelled call —
// while the GET notification stream stays open. "Churn" workers also
// end their session (DELETE) and start a new one every few operations.
//
// Every operation is recorded with its start and end time and outcome, and is bounded: the
// SDK's own request timeout (a little past the bound, so the gateway's own timeout answer
// arrives first when there is one), and behind it a guard for what the SDK does not bound;
// either one firing records the request as "stuck". A 404 means the gateway no longer knows
// the session; the
// worker then initializes a new one, as the MCP specification tells clients to
// (2025-11-25, "Session Management").
import { Client, SdkError, SdkErrorCode, SdkHttpError, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

export type Operation =
  | 'initialize'
  | 'list-tools'
  | 'call'
  | 'call-with-progress'
  | 'get-prompt'
  | 'read-resource'
  | 'server-request'
  | 'elicitation'
  | 'ping'
  | 'cancel'
  | 'delete';

export type OutcomeResult =
  /** Answered as expected. */
  | 'ok'
  /** 404: the gateway does not know the session (the worker re-initializes). */
  | 'session-lost'
  /** Any other error, or a wrong answer. */
  | 'failed'
  /** No answer within the bound (plus the SDK's margin). */
  | 'stuck';

export interface RequestOutcome {
  readonly worker: number;
  readonly operation: Operation;
  /** The gateway session the request was made on (undefined for a failed initialize). */
  readonly sessionId: string | undefined;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly result: OutcomeResult;
  /** HTTP status of a refused request, when the SDK reports one. */
  readonly status?: number;
  readonly error?: string;
}

export interface WorkloadOptions {
  /** The gateway's /mcp URL (the router balancer). */
  readonly url: string;
  /** Workers that keep one session as long as the gateway knows it. */
  readonly steadyWorkers: number;
  /** Workers that DELETE their session and open a new one every `churnEvery` operations. */
  readonly churnWorkers: number;
  readonly churnEvery?: number;
  /** Every request must be answered within this (default 10 s): set it to the gateway's
   * `timeouts.upstreamRequestMs`, the longest the gateway itself may take. */
  readonly requestBoundMs?: number;
  /** Pause between two operations of one worker (default 25 ms). */
  readonly pauseMs?: number;
  /** Tool name prefixes of the two upstream test servers, e.g. ['a_', 'b_']. */
  readonly prefixes: readonly [string, string];
}

export interface WorkerView {
  readonly index: number;
  readonly kind: 'steady' | 'churn';
  /** Every session the worker opened, oldest first. */
  readonly sessionIds: readonly string[];
  /** When each `notifications/tools/list_changed` arrived (any of its sessions). */
  readonly listChangedAt: readonly number[];
  /** Sessions whose GET notification stream could not be opened (the SDK client does not
   * try again): requests an upstream sends on its own GET stream cannot reach them. */
  readonly sessionsWithoutStream: readonly string[];
}

const ROOTS = [{ uri: 'file:///srv/scaling', name: 'scaling' }];
/** How much longer than the bound the client waits before it calls a request stuck. */
const SDK_MARGIN_MS = 1_000;
const PROGRESS_STEPS = 3;

class StuckRequestError extends Error {
  override readonly name = 'StuckRequestError';
}

/** Rejects with StuckRequestError when `work` outlives `boundMs`. */
function bounded<T>(work: Promise<T>, boundMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StuckRequestError(`no answer within ${boundMs} ms`)), boundMs);
  });
  return Promise.race([work, guard]).finally(() => clearTimeout(timer));
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`unexpected answer: ${what}`);
}

class Worker {
  readonly sessionIds: string[] = [];
  readonly listChangedAt: number[] = [];
  readonly sessionsWithoutStream = new Set<string>();
  private client: Client | undefined;
  private transport: StreamableHTTPClientTransport | undefined;
  private operations = 0;
  private stopped = false;
  private readonly done: Promise<void>;

  constructor(
    readonly index: number,
    readonly kind: 'steady' | 'churn',
    private readonly options: WorkloadOptions,
    private readonly record: (outcome: RequestOutcome) => void,
  ) {
    this.done = this.run();
  }

  stop(): Promise<void> {
    this.stopped = true;
    return this.done;
  }

  private get boundMs(): number {
    return this.options.requestBoundMs ?? 10_000;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (!this.client) await this.attempt('initialize', () => this.connect());
      else await this.attempt(...this.nextOperation(this.client));
      await new Promise((resolve) => setTimeout(resolve, this.options.pauseMs ?? 25));
    }
    await this.disconnect(true);
  }

  private async connect(): Promise<void> {
    const client = new Client(
      { name: `scaling-worker-${this.index}`, version: '1.0.0' },
      { capabilities: { roots: { listChanged: true }, elicitation: { form: {} } } },
    );
    client.setRequestHandler('roots/list', () => ({ roots: ROOTS }));
    client.setRequestHandler('elicitation/create', (request) => {
      const content: Record<string, string> = request.params.message.includes('name') ? { name: `worker-${this.index}` } : { colour: 'blue' };
      return { action: 'accept', content };
    });
    client.setNotificationHandler('notifications/tools/list_changed', () => void this.listChangedAt.push(Date.now()));
    // A GET stream cut by a replica going away is re-opened soon, on whichever replica.
    const transport = new StreamableHTTPClientTransport(new URL(this.options.url), {
      reconnectionOptions: { initialReconnectionDelay: 200, maxReconnectionDelay: 1_000, reconnectionDelayGrowFactor: 1.5, maxRetries: 50 },
    });
    client.onerror = (error) => {
      // The GET stream opened after `initialize` was refused (e.g. 503 while the replica's
      // Redis connection comes back): MCP SDK v2 clients report it here and never retry.
      // A refused *re*-connection is followed by "Failed to reconnect" (the SDK tries
      // again), unless it has given up ("Maximum reconnection attempts").
      const sessionId = transport.sessionId;
      if (sessionId === undefined) return;
      if ((error instanceof SdkHttpError && /open SSE stream/i.test(error.message)) || /Maximum reconnection attempts/.test(error.message)) {
        this.sessionsWithoutStream.add(sessionId);
      } else if (/Failed to reconnect SSE stream/.test(error.message)) {
        this.sessionsWithoutStream.delete(sessionId);
      }
    };
    try {
      await client.connect(transport, { timeout: this.boundMs + SDK_MARGIN_MS });
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
    this.client = client;
    this.transport = transport;
    if (transport.sessionId !== undefined) this.sessionIds.push(transport.sessionId);
  }

  private async disconnect(endSession: boolean): Promise<void> {
    const { client, transport } = this;
    this.client = undefined;
    this.transport = undefined;
    if (endSession) await transport?.terminateSession().catch(() => undefined);
    await client?.close().catch(() => undefined);
  }

  private nextOperation(client: Client): [Operation, () => Promise<void>] {
    const [a, b] = this.options.prefixes;
    const timeout = this.boundMs + SDK_MARGIN_MS;
    this.operations += 1;
    const step = this.operations;
    if (this.kind === 'churn' && step % (this.options.churnEvery ?? 8) === 0) {
      return ['delete', () => this.disconnect(true)];
    }
    switch (step % 9) {
      case 0:
        return ['list-tools', async () => {
          const { tools } = await client.listTools(undefined, { timeout });
          check(tools.some((tool) => tool.name === `${a}echo`), 'tools/list lacks the echo tool');
        }];
      case 1:
        return ['call', async () => {
          const text = `w${this.index}-${step}`;
          const result = await client.callTool({ name: `${step % 2 === 0 ? a : b}echo`, arguments: { text } }, { timeout });
          check((result.content as Array<{ text?: string }>)[0]?.text === text, 'echo answered something else');
        }];
      case 2:
        return ['call-with-progress', async () => {
          let progress = 0;
          await client.callTool(
            { name: `${b}slow_count`, arguments: { count: PROGRESS_STEPS, delayMs: 20 } },
            { timeout, onprogress: () => void (progress += 1) },
          );
          check(progress === PROGRESS_STEPS, `${progress} progress notifications instead of ${PROGRESS_STEPS}`);
        }];
      case 3:
        return ['get-prompt', async () => {
          const prompt = await client.getPrompt({ name: `${a}echo_prompt`, arguments: { text: 'hi' } }, { timeout });
          check(prompt.messages.length === 1, 'prompt has no message');
        }];
      case 4:
        return ['server-request', async () => {
          const result = await client.callTool({ name: `${a}list_roots`, arguments: {} }, { timeout });
          check(JSON.stringify(result.structuredContent) === JSON.stringify({ roots: ROOTS }), 'roots/list answer lost');
        }];
      case 5:
        return ['read-resource', async () => {
          const resource = await client.readResource({ uri: `${b}test://static` }, { timeout });
          check(resource.contents.length === 1, 'resource has no content');
        }];
      case 6:
        return ['ping', async () => {
          await client.ping({ timeout });
        }];
      case 7:
        return ['elicitation', async () => {
          // The upstream asks twice during the call (on its GET stream); each answer is a
          // request of its own, so it lands on another router than the call.
          const result = await client.callTool({ name: `${b}elicit_twice`, arguments: {} }, { timeout });
          const expected = { first: { action: 'accept', content: { name: `worker-${this.index}` } }, second: { action: 'accept', content: { colour: 'blue' } } };
          check(JSON.stringify(result.structuredContent) === JSON.stringify(expected), 'elicitation answers lost');
        }];
      default:
        return ['cancel', async () => {
          // The call waits until cancelled (or 3 s); the client gives up after 50 ms. The
          // client's own request must end at once, whichever replica takes the cancel.
          const controller = new AbortController();
          const call = client.callTool({ name: `${a}cancellable_wait`, arguments: { maxWaitMs: 3_000 } }, { timeout, signal: controller.signal });
          setTimeout(() => controller.abort('worker gave up'), 50);
          const settled = await call.then(
            () => 'answered',
            (error: unknown) => error,
          );
          if (settled === 'answered') throw new Error('unexpected answer: a cancelled call was answered');
          if (!controller.signal.aborted) throw settled;
        }];
    }
  }

  private async attempt(operation: Operation, work: () => Promise<void>): Promise<void> {
    const sessionId = this.transport?.sessionId;
    const startedAt = Date.now();
    const finish = (result: OutcomeResult, error?: unknown): void => {
      const status = error instanceof SdkHttpError ? error.status : undefined;
      this.record({
        worker: this.index,
        operation,
        sessionId: operation === 'initialize' ? this.transport?.sessionId : sessionId,
        startedAt,
        endedAt: Date.now(),
        result,
        ...(status !== undefined ? { status } : {}),
        ...(error !== undefined ? { error: error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : String(error) } : {}),
      });
    };
    try {
      // The guard sits a little past the SDK's own timeout: it catches what the SDK does
      // not bound (DELETE, a hung connect).
      await bounded(work(), this.boundMs + 2 * SDK_MARGIN_MS);
      finish('ok');
    } catch (error) {
      const timedOut = error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout;
      if (error instanceof StuckRequestError || timedOut) {
        finish('stuck', error);
        // The SDK gave up on one request; its session is fine. A hung SDK is dropped.
        if (!timedOut) await this.disconnect(false);
      } else if (error instanceof SdkHttpError && error.status === 404) {
        finish('session-lost', error);
        await this.disconnect(false);
      } else {
        finish('failed', error);
        // A failed DELETE still ends this session for the worker; anything else keeps it.
        if (operation === 'delete') await this.disconnect(false);
      }
    }
  }
}

export class MixedWorkload {
  private readonly recorded: RequestOutcome[] = [];
  private readonly workers: Worker[] = [];

  constructor(private readonly options: WorkloadOptions) {}

  start(): void {
    const record = (outcome: RequestOutcome): void => void this.recorded.push(outcome);
    for (let i = 0; i < this.options.steadyWorkers; i += 1) this.workers.push(new Worker(i, 'steady', this.options, record));
    for (let i = 0; i < this.options.churnWorkers; i += 1) {
      this.workers.push(new Worker(this.options.steadyWorkers + i, 'churn', this.options, record));
    }
  }

  /** Ends every worker after its current operation; their sessions are DELETEd. */
  async stop(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.stop()));
  }

  outcomes(): readonly RequestOutcome[] {
    return this.recorded;
  }

  workerViews(): WorkerView[] {
    return this.workers.map((worker) => ({
      index: worker.index,
      kind: worker.kind,
      sessionIds: [...worker.sessionIds],
      listChangedAt: [...worker.listChangedAt],
      sessionsWithoutStream: [...worker.sessionsWithoutStream],
    }));
  }
}
