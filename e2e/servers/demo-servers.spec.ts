import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@mcp-gateway/testing';
import { connectClient, type ConnectedClient } from '../support/connect-client';
import { startCalculatorServer } from './calculator-server';
import { startNotesServer, type NotesServer } from './notes-server';
import type { StreamableHttpHost } from './streamable-http-host';
import { forecastFor, startWeatherServer } from './weather-server';

function firstText(result: { content?: unknown }): string {
  const [first] = (result.content ?? []) as Array<{ type: string; text?: string }>;
  return first?.text ?? '';
}

describe('demo servers', () => {
  let weather: StreamableHttpHost;
  let notes: NotesServer;
  let calculator: StreamableHttpHost;
  const clients: ConnectedClient[] = [];
  const connect = async (url: string): Promise<ConnectedClient> => {
    const connected = await connectClient(url);
    clients.push(connected);
    return connected;
  };

  beforeAll(async () => {
    [weather, notes, calculator] = await Promise.all([startWeatherServer(), startNotesServer(), startCalculatorServer()]);
  });
  afterAll(async () => {
    await Promise.allSettled(clients.map((connected) => connected.close()));
    await Promise.all([weather.close(), notes.close(), calculator.close()]);
  });

  describe('weather', () => {
    it('lists its tools, prompt and resource', async () => {
      const { client } = await connect(weather.url);
      expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['get_current_conditions', 'get_forecast']);
      expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(['plan_outdoor_day']);
      expect((await client.listResources()).resources.map((r) => r.uri)).toEqual(['weather://cities']);
    });

    it('gives the same forecast for the same city every time', async () => {
      const { client } = await connect(weather.url);
      const first = await client.callTool({ name: 'get_forecast', arguments: { city: 'Lisbon', days: 3 } });
      const second = await client.callTool({ name: 'get_forecast', arguments: { city: 'lisbon', days: 3 } });
      expect(first.structuredContent).toEqual({ city: 'Lisbon', days: forecastFor('Lisbon', 3) });
      expect((second.structuredContent as { days: unknown }).days).toEqual(forecastFor('Lisbon', 3));
      expect(firstText(first)).toContain('Forecast for Lisbon');
    });

    it('rejects a forecast longer than a week as invalid arguments', async () => {
      const { client } = await connect(weather.url);
      const result = await client.callTool({ name: 'get_forecast', arguments: { city: 'Oslo', days: 30 } });
      expect(result.isError).toBe(true);
    });

    it('fills the prompt with the city and reads the cities resource', async () => {
      const { client } = await connect(weather.url);
      const prompt = await client.getPrompt({ name: 'plan_outdoor_day', arguments: { city: 'Oslo' } });
      expect(JSON.stringify(prompt.messages)).toContain('outdoors in Oslo');
      const resource = await client.readResource({ uri: 'weather://cities' });
      expect(resource.contents).toEqual([
        expect.objectContaining({ uri: 'weather://cities', mimeType: 'application/json', text: expect.stringContaining('Lisbon') }),
      ]);
    });
  });

  describe('notes', () => {
    it('adds, lists and reads notes, as tools and as one resource per note', async () => {
      const { client } = await connect(notes.url);
      const added = await client.callTool({ name: 'add_note', arguments: { title: 'Groceries', body: 'eggs, flour' } });
      const { id } = added.structuredContent as { id: string };
      expect(id).toMatch(/^note-\d+$/);

      const listed = await client.callTool({ name: 'list_notes' });
      expect((listed.structuredContent as { notes: unknown[] }).notes).toContainEqual({ id, title: 'Groceries' });
      expect(firstText(await client.callTool({ name: 'get_note', arguments: { id } }))).toBe('Groceries\n\neggs, flour');
      expect((await client.callTool({ name: 'get_note', arguments: { id: 'note-999' } })).isError).toBe(true);

      const templates = await client.listResourceTemplates();
      expect(templates.resourceTemplates.map((t) => t.uriTemplate)).toEqual(['notes://notes/{id}']);
      const resources = await client.listResources(undefined, { cacheMode: 'refresh' });
      expect(resources.resources.map((r) => r.uri)).toContain(`notes://notes/${id}`);
      const read = await client.readResource({ uri: `notes://notes/${id}` });
      expect(read.contents).toEqual([{ uri: `notes://notes/${id}`, mimeType: 'text/markdown', text: '# Groceries\n\neggs, flour\n' }]);
    });

    it('completes note ids for the resource template', async () => {
      const { client } = await connect(notes.url);
      const completion = await client.complete({
        ref: { type: 'ref/resource', uri: 'notes://notes/{id}' },
        argument: { name: 'id', value: 'note-' },
      });
      expect(completion.completion.values).toContain('note-1');
    });

    it('tells other sessions that the resource list changed when a note is added', async () => {
      let changed: () => void = () => undefined;
      const notified = new Promise<void>((resolve) => (changed = resolve));
      const watcher = await connectClient(notes.url, {
        configure: (c) => c.setNotificationHandler('notifications/resources/list_changed', () => changed()),
      });
      clients.push(watcher);
      const writer = await connect(notes.url);
      // The notification travels on the watcher's GET stream, which its client opens after initialize.
      await waitFor(() => notes.openGetStreams().includes(watcher.sessionId ?? '') || undefined);
      await writer.client.callTool({ name: 'add_note', arguments: { title: 'Later', body: 'seen elsewhere' } });
      await notified;
    });

    it('offers a prompt that includes every note', async () => {
      const { client } = await connect(notes.url);
      const prompt = await client.getPrompt({ name: 'summarize_notes' });
      expect(JSON.stringify(prompt.messages)).toContain('Welcome');
    });
  });

  describe('calculator', () => {
    it('adds, multiplies and sums, with structured results', async () => {
      const { client } = await connect(calculator.url);
      expect((await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } })).structuredContent).toEqual({ result: 5 });
      expect((await client.callTool({ name: 'multiply', arguments: { a: 4, b: 2.5 } })).structuredContent).toEqual({ result: 10 });
      expect((await client.callTool({ name: 'sum', arguments: { values: [1, 2, 3, 4] } })).structuredContent).toEqual({ result: 10 });
    });

    it('reports division by zero as a tool error', async () => {
      const { client } = await connect(calculator.url);
      const result = await client.callTool({ name: 'divide', arguments: { a: 1, b: 0 } });
      expect(result.isError).toBe(true);
      expect(firstText(result)).toBe('Cannot divide by zero');
    });
  });
});
