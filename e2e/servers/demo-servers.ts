// The demo upstreams `npm start` puts behind the gateway — weather, notes and calculator —
// started together in one process. With a base port N they listen on N, N+1 and N+2 (so a
// bundled config can name fixed URLs); with 0 each gets a free port.
import { startCalculatorServer } from './calculator-server';
import { startNotesServer } from './notes-server';
import { isMainModule, runServerCli, type ListeningServerGroup } from './server-cli';
import type { StreamableHttpHost } from './streamable-http-host';
import { startWeatherServer } from './weather-server';

export const DEMO_SERVER_NAMES = ['weather', 'notes', 'calculator'] as const;
export type DemoServerName = (typeof DEMO_SERVER_NAMES)[number];

export interface DemoServers extends ListeningServerGroup {
  readonly servers: Readonly<Record<DemoServerName, StreamableHttpHost>>;
}

export async function startDemoServers(options: { basePort?: number } = {}): Promise<DemoServers> {
  const base = options.basePort ?? 0;
  const portFor = (offset: number): number => (base === 0 ? 0 : base + offset);
  const [weather, notes, calculator] = await Promise.allSettled([
    startWeatherServer({ port: portFor(0) }),
    startNotesServer({ port: portFor(1) }),
    startCalculatorServer({ port: portFor(2) }),
  ]);
  if (weather.status === 'rejected' || notes.status === 'rejected' || calculator.status === 'rejected') {
    // Leave nothing listening when one of the three could not start (e.g. its port is taken).
    const outcomes = [weather, notes, calculator];
    await Promise.allSettled(outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.close() : undefined)));
    throw outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []))[0];
  }
  const servers = { weather: weather.value, notes: notes.value, calculator: calculator.value };
  return {
    servers,
    members: DEMO_SERVER_NAMES.map((name) => ({ name, server: servers[name] })),
    close: async () => {
      await Promise.all(DEMO_SERVER_NAMES.map((name) => servers[name].close()));
    },
  };
}

if (isMainModule(import.meta.url)) await runServerCli('demo-servers', ({ port }) => startDemoServers({ basePort: port }));
