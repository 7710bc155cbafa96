// One watch response (Kubernetes API concepts, "Efficient detection of changes"): headers
// flushed at once, then one JSON `{type, object}` per line. It starts with the current state
// as ADDED events (no resourceVersion, or "0") or with every change after the given
// resourceVersion; a resourceVersion older than the kept history ends the stream with an
// ERROR event carrying a 410 Expired Status, as the real server does. Objects that start or
// stop matching the selectors arrive as ADDED / DELETED. The stream ends after
// `timeoutSeconds`, or when the server closes it (restart, shutdown).
import type { ServerResponse } from 'node:http';
import type { FieldSelector } from './field-selector';
import { KubeStatusError } from './kube-status-error';
import type { LabelSelector } from './label-selector';
import type { JsonObject, ObjectStore, StoreEvent } from './object-store';
import type { ResourceType } from './resource-type';

export interface WatchRequest {
  readonly type: ResourceType;
  /** The version the client asked for: objects are served with this apiVersion. */
  readonly version: string;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly labelSelector: LabelSelector;
  readonly fieldSelector: FieldSelector;
  /** `undefined` or `"0"`: start from the current state. */
  readonly resourceVersion: string | undefined;
  readonly timeoutSeconds: number;
  /** Turns a stored object into what this client sees (apiVersion of its version). */
  readonly present: (object: JsonObject) => JsonObject;
}

export class WatchStream {
  private closed = false;
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly request: WatchRequest,
    private readonly response: ServerResponse,
    private readonly onClosed: (stream: WatchStream) => void,
  ) {}

  start(): void {
    const { response, request } = this;
    response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    // client-node resolves its fetch only when headers arrive; an informer waits forever
    // on a watch whose headers sit in a buffer.
    response.flushHeaders();
    response.on('close', () => this.close());
    this.timer = setTimeout(() => this.close(), request.timeoutSeconds * 1000);
    this.timer.unref();

    const resumeFrom = request.resourceVersion === undefined || request.resourceVersion === '' || request.resourceVersion === '0' ? undefined : Number(request.resourceVersion);
    if (resumeFrom !== undefined && !Number.isInteger(resumeFrom)) {
      this.sendError(new KubeStatusError(400, 'BadRequest', `invalid resource version: ${request.resourceVersion}`));
      return;
    }
    let backlog: StoreEvent[] = [];
    if (resumeFrom === undefined) {
      for (const object of this.store.list(request.type, request.namespace)) {
        if (this.matches(object)) this.send('ADDED', object);
      }
    } else {
      try {
        backlog = this.store.eventsAfter(resumeFrom);
      } catch (error) {
        if (error instanceof KubeStatusError) {
          this.sendError(error);
          return;
        }
        throw error;
      }
    }
    for (const event of backlog) this.deliver(event);
    this.unsubscribe = this.store.subscribe((event) => this.deliver(event));
  }

  private inScope(event: StoreEvent): boolean {
    const { type, namespace, name } = this.request;
    if (event.resourceType.group !== type.group || event.resourceType.plural !== type.plural) return false;
    const metadata = event.object['metadata'] as JsonObject;
    if (namespace !== undefined && metadata['namespace'] !== namespace) return false;
    return name === undefined || metadata['name'] === name;
  }

  private matches(object: JsonObject | undefined): boolean {
    if (object === undefined) return false;
    const labels = ((object['metadata'] as JsonObject | undefined)?.['labels'] ?? {}) as Record<string, string>;
    return this.request.labelSelector(labels) && this.request.fieldSelector(object);
  }

  private deliver(event: StoreEvent): void {
    if (this.closed || !this.inScope(event)) return;
    const now = this.matches(event.object);
    if (event.type === 'ADDED') {
      if (now) this.send('ADDED', event.object);
      return;
    }
    if (event.type === 'DELETED') {
      if (this.matches(event.previous) || now) this.send('DELETED', event.object);
      return;
    }
    const before = this.matches(event.previous);
    if (before && now) this.send('MODIFIED', event.object);
    else if (now) this.send('ADDED', event.object);
    else if (before) this.send('DELETED', event.object);
  }

  private send(type: string, object: JsonObject): void {
    if (this.closed) return;
    this.response.write(`${JSON.stringify({ type, object: this.request.present(object) })}\n`);
  }

  private sendError(error: KubeStatusError): void {
    this.response.write(`${JSON.stringify({ type: 'ERROR', object: error.toStatus() })}\n`);
    this.close();
  }

  /** Ends the stream (the client sees a clean end of body and normally re-watches). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.unsubscribe?.();
    if (!this.response.writableEnded) this.response.end();
    this.onClosed(this);
  }
}
