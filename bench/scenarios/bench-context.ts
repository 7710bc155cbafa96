// What every scenario receives: the validated options, the load generator, the cleanup
// stack that owns every process started, a progress printer, and the gateway starter.
import type { BenchOptions } from '../bench-options';
import type { LoadGenerator } from '../load/load-generator';
import type { CleanupStack } from '../processes/cleanup-stack';
import { GatewayUnavailableError, startGateway } from '../processes/gateway-processes';
import type { GatewayLaunchOptions, RunningGateway } from '../processes/gateway-processes';

export interface BenchContext {
  readonly options: BenchOptions;
  readonly load: LoadGenerator;
  readonly cleanup: CleanupStack;
  readonly gateways: GatewayStarter;
  log(line: string): void;
}

export type GatewayStart = { readonly ok: true; readonly gateway: RunningGateway; readonly close: () => Promise<void> } | { readonly ok: false; readonly reason: string };

/** Starts gateways for scenarios, registered on the cleanup stack. Once the gateway proved
 * unrunnable (not built, or the in-memory flavour would not start), later scenarios are
 * skipped at once with the same reason instead of each waiting for a start-up timeout. */
export class GatewayStarter {
  private unrunnable: string | undefined;

  constructor(private readonly cleanup: CleanupStack) {}

  async start(options: GatewayLaunchOptions): Promise<GatewayStart> {
    if (this.unrunnable !== undefined) return { ok: false, reason: this.unrunnable };
    try {
      const gateway = await startGateway(options);
      const close = this.cleanup.defer(options.label, () => gateway.close());
      return { ok: true, gateway, close };
    } catch (error) {
      const reason = error instanceof GatewayUnavailableError ? error.message : `gateway failed to start (${(error as Error).message})`;
      // A Redis-backed start can fail for Redis's own reasons; only the plain one condemns all.
      if (options.sessionStoreUrl === undefined) this.unrunnable = reason;
      return { ok: false, reason };
    }
  }
}
