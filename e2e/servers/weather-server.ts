// Demo upstream "weather": forecast tools, a prompt and a resource, all over made-up but
// deterministic data (a city's weather is derived from its name, so demos and tests can
// assert exact answers). It never calls out to a real weather service.
import { McpServer, type GetPromptResult, type ReadResourceResult } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { isMainModule, runServerCli } from './server-cli';
import { startStreamableHttpHost, type StreamableHttpHost } from './streamable-http-host';

export const WEATHER_SERVER_NAME = 'weather';

const CONDITIONS = ['sunny', 'partly cloudy', 'cloudy', 'light rain', 'showers', 'windy', 'foggy'] as const;
const KNOWN_CITIES = ['Amsterdam', 'Berlin', 'Lisbon', 'Nairobi', 'Oslo', 'Tokyo'] as const;

export interface DailyForecast {
  day: number;
  condition: (typeof CONDITIONS)[number];
  highC: number;
  lowC: number;
  precipitationChance: number;
}

/** FNV-1a over the lower-cased name: the same city always gets the same weather. */
function citySeed(city: string): number {
  let hash = 0x811c9dc5;
  for (const char of city.trim().toLowerCase()) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function forecastFor(city: string, days: number): DailyForecast[] {
  const seed = citySeed(city);
  const baseHigh = 8 + (seed % 22);
  return Array.from({ length: days }, (_, index) => {
    const wobble = (seed >>> (index % 24)) % 7;
    const highC = baseHigh + wobble - 3;
    return {
      day: index + 1,
      condition: CONDITIONS[(seed + index * 3) % CONDITIONS.length] ?? 'sunny',
      highC,
      lowC: highC - 4 - ((seed >>> 3) % 5),
      precipitationChance: ((seed >>> (index + 5)) % 11) * 10,
    };
  });
}

const forecastSchema = z.object({
  city: z.string(),
  days: z.array(
    z.object({
      day: z.number(),
      condition: z.string(),
      highC: z.number(),
      lowC: z.number(),
      precipitationChance: z.number(),
    }),
  ),
});

export function createWeatherMcpServer(): McpServer {
  const server = new McpServer({ name: WEATHER_SERVER_NAME, version: '1.0.0' });

  server.registerTool(
    'get_forecast',
    {
      title: 'Daily forecast',
      description: 'Daily forecast for a city: condition, high/low in °C and chance of rain',
      inputSchema: z.object({
        city: z.string().min(1).describe('City name, e.g. "Lisbon"'),
        days: z.number().int().min(1).max(7).default(3).describe('How many days, 1-7'),
      }),
      outputSchema: forecastSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ city, days }) => {
      const forecast = { city, days: forecastFor(city, days) };
      const lines = forecast.days.map(
        (d) => `Day ${d.day}: ${d.condition}, ${d.lowC}–${d.highC} °C, ${d.precipitationChance}% rain`,
      );
      return { content: [{ type: 'text', text: `Forecast for ${city}\n${lines.join('\n')}` }], structuredContent: forecast };
    },
  );

  server.registerTool(
    'get_current_conditions',
    {
      title: 'Current conditions',
      description: 'Weather right now in a city',
      inputSchema: z.object({ city: z.string().min(1).describe('City name') }),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ city }) => {
      const [today] = forecastFor(city, 1);
      const temperatureC = today ? Math.round((today.highC + today.lowC) / 2) : 0;
      return { content: [{ type: 'text', text: `${city}: ${today?.condition ?? 'unknown'}, ${temperatureC} °C` }] };
    },
  );

  server.registerPrompt(
    'plan_outdoor_day',
    {
      title: 'Plan an outdoor day',
      description: 'Ask the model to plan a day outside around the forecast for a city',
      argsSchema: z.object({ city: z.string().describe('City to plan the day in') }),
    },
    ({ city }): GetPromptResult => {
      const [today] = forecastFor(city, 1);
      return {
        messages: [
          {
            role: 'user',
            content: {
              type: 'text',
              text:
                `Plan an enjoyable day outdoors in ${city}. The forecast is ${today?.condition ?? 'unknown'} ` +
                `with ${today?.lowC}–${today?.highC} °C and a ${today?.precipitationChance}% chance of rain.`,
            },
          },
        ],
      };
    },
  );

  server.registerResource(
    'cities',
    'weather://cities',
    { title: 'Cities with curated forecasts', description: 'Cities this server knows by name', mimeType: 'application/json' },
    (uri): ReadResourceResult => ({
      contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify({ cities: KNOWN_CITIES }) }],
    }),
  );

  return server;
}

export async function startWeatherServer(options: { port?: number } = {}): Promise<StreamableHttpHost> {
  return startStreamableHttpHost({ name: WEATHER_SERVER_NAME, port: options.port, createSession: createWeatherMcpServer });
}

if (isMainModule(import.meta.url)) await runServerCli(WEATHER_SERVER_NAME, startWeatherServer);
