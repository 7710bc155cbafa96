// Demo upstream "notes": an in-memory notebook shared by every session of one server
// (a note added through one session is visible from all of them), exposed as tools, as one
// resource per note through a resource template, and through a prompt. Adding a note tells
// every open session that the resource list changed. Nothing is written to disk.
import {
  McpServer,
  ResourceTemplate,
  type GetPromptResult,
  type ReadResourceResult,
} from '@modelcontextprotocol/server';
import * as z from 'zod';
import { isMainModule, runServerCli } from './server-cli';
import { startStreamableHttpHost, type StreamableHttpHost } from './streamable-http-host';

export const NOTES_SERVER_NAME = 'notes';

export interface Note {
  id: string;
  title: string;
  body: string;
}

export class Notebook {
  private readonly notes = new Map<string, Note>();
  private nextId = 1;

  add(title: string, body: string): Note {
    const note = { id: `note-${this.nextId}`, title, body };
    this.nextId += 1;
    this.notes.set(note.id, note);
    return note;
  }

  get(id: string): Note | undefined {
    return this.notes.get(id);
  }

  list(): Note[] {
    return [...this.notes.values()];
  }
}

const noteSchema = z.object({ id: z.string(), title: z.string(), body: z.string() });
export const NOTE_URI_PREFIX = 'notes://notes/';

function noteContents(note: Note): ReadResourceResult {
  return { contents: [{ uri: `${NOTE_URI_PREFIX}${note.id}`, mimeType: 'text/markdown', text: `# ${note.title}\n\n${note.body}\n` }] };
}

export function createNotesMcpServer(notebook: Notebook, onNotesChanged: () => void): McpServer {
  const server = new McpServer({ name: NOTES_SERVER_NAME, version: '1.0.0' });

  server.registerTool(
    'add_note',
    {
      description: 'Add a note; returns its id',
      inputSchema: z.object({ title: z.string().min(1).describe('Short title'), body: z.string().describe('Note text') }),
      outputSchema: noteSchema,
    },
    ({ title, body }) => {
      const note = notebook.add(title, body);
      onNotesChanged();
      return { content: [{ type: 'text', text: `Added ${note.id}: ${note.title}` }], structuredContent: { ...note } };
    },
  );

  server.registerTool(
    'list_notes',
    {
      description: 'List every note (id and title)',
      outputSchema: z.object({ notes: z.array(z.object({ id: z.string(), title: z.string() })) }),
      annotations: { readOnlyHint: true },
    },
    () => {
      const notes = notebook.list().map(({ id, title }) => ({ id, title }));
      const text = notes.length === 0 ? 'No notes yet' : notes.map((n) => `${n.id}: ${n.title}`).join('\n');
      return { content: [{ type: 'text', text }], structuredContent: { notes } };
    },
  );

  server.registerTool(
    'get_note',
    {
      description: 'Read one note by id',
      inputSchema: z.object({ id: z.string().describe('Note id, e.g. "note-1"') }),
      annotations: { readOnlyHint: true },
    },
    ({ id }) => {
      const note = notebook.get(id);
      if (note === undefined) return { content: [{ type: 'text', text: `No note with id ${id}` }], isError: true };
      return { content: [{ type: 'text', text: `${note.title}\n\n${note.body}` }] };
    },
  );

  server.registerResource(
    'note',
    new ResourceTemplate(`${NOTE_URI_PREFIX}{id}`, {
      list: () => ({
        resources: notebook.list().map((note) => ({
          uri: `${NOTE_URI_PREFIX}${note.id}`,
          name: note.id,
          title: note.title,
          mimeType: 'text/markdown',
        })),
      }),
      complete: { id: (value) => notebook.list().map((note) => note.id).filter((id) => id.startsWith(value)) },
    }),
    { title: 'A note', description: 'One note as Markdown', mimeType: 'text/markdown' },
    (uri, variables): ReadResourceResult => {
      const id = String(variables['id']);
      const note = notebook.get(id);
      if (note === undefined) throw new Error(`No note with id ${id} (${uri.href})`);
      return noteContents(note);
    },
  );

  server.registerPrompt(
    'summarize_notes',
    { title: 'Summarize my notes', description: 'Ask the model for a short summary of every note' },
    (): GetPromptResult => ({
      messages: [
        {
          role: 'user',
          content: {
            type: 'text',
            text: `Summarize these notes in three bullet points:\n\n${notebook
              .list()
              .map((note) => `## ${note.title}\n${note.body}`)
              .join('\n\n')}`,
          },
        },
      ],
    }),
  );

  return server;
}

export interface NotesServer extends StreamableHttpHost {
  readonly notebook: Notebook;
}

export async function startNotesServer(options: { port?: number } = {}): Promise<NotesServer> {
  const notebook = new Notebook();
  notebook.add('Welcome', 'This notebook lives in memory: restart the server and it is empty again.');
  const hostRef: { current?: StreamableHttpHost } = {};
  // A note added in one session changes every session's resource list (spec "Resources" →
  // "List Changed Notification").
  const announceChange = (): void => {
    for (const server of hostRef.current?.sessionServers() ?? []) server.sendResourceListChanged();
  };
  const host = await startStreamableHttpHost({
    name: NOTES_SERVER_NAME,
    port: options.port,
    createSession: () => createNotesMcpServer(notebook, announceChange),
  });
  hostRef.current = host;
  return Object.assign(host, { notebook });
}

if (isMainModule(import.meta.url)) await runServerCli(NOTES_SERVER_NAME, startNotesServer);
