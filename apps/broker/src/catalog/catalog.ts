// The federated catalog: every ready upstream's tools, prompts, resources and resource
// templates under the names clients see, plus the route back to the owning upstream.
//
// Naming: tools and prompts become `prefix + name`; resource URIs and URI templates become
// `prefix + uri` (unchanged for a server without prefix). The rewrite is reversible by
// stripping the prefix, which is what routers do.
//
// Conflicts (two entries → one gateway name) follow ONE deterministic rule: the server
// listed first in the configuration keeps the name; the other entry is left out and
// reported. Names are never rewritten to resolve a conflict, so adding a server can never
// rename an existing tool.
import type { UpstreamSource } from '../upstream/upstream-pool';
import type { UpstreamState } from '../upstream/upstream-connection';
import type { ListedPrompt, ListedResource, ListedResourceTemplate, ListedTool } from '../upstream/upstream-listing';
import { redactUrl } from '../upstream/redacted-url';

export interface NamedRoute<Definition> {
  /** The key clients use: tool/prompt name, resource URI, or URI template. */
  readonly gatewayKey: string;
  readonly server: string;
  readonly upstreamKey: string;
  /** The upstream's definition with only its key rewritten. */
  readonly definition: Definition;
}

export type ToolEntry = NamedRoute<ListedTool>;
export type PromptEntry = NamedRoute<ListedPrompt>;
export type ResourceEntry = NamedRoute<ListedResource>;
export type ResourceTemplateEntry = NamedRoute<ListedResourceTemplate>;

export type CatalogEntryKind = 'tool' | 'prompt' | 'resource' | 'resourceTemplate';

export interface CatalogConflict {
  readonly kind: CatalogEntryKind;
  readonly gatewayKey: string;
  /** The server listed first in the configuration: it keeps the name. */
  readonly keptServer: string;
  readonly droppedServer: string;
}

export interface CatalogServer {
  readonly name: string;
  /** Without user-info credentials. */
  readonly url: string;
  readonly prefix: string;
  readonly state: UpstreamState;
  readonly protocolVersion: string;
}

export interface CatalogSnapshot {
  readonly version: number;
  readonly servers: readonly CatalogServer[];
  readonly tools: readonly ToolEntry[];
  readonly prompts: readonly PromptEntry[];
  readonly resources: readonly ResourceEntry[];
  readonly resourceTemplates: readonly ResourceTemplateEntry[];
  readonly conflicts: readonly CatalogConflict[];
}

/** The list families clients are told about (`notifications/<family>/list_changed`). */
export type CatalogFamily = 'tools' | 'prompts' | 'resources';

export interface CatalogChange {
  readonly snapshot: CatalogSnapshot;
  readonly changedFamilies: ReadonlySet<CatalogFamily>;
}

export type CatalogListener = (change: CatalogChange) => void;

const EMPTY_SNAPSHOT: CatalogSnapshot = {
  version: 0,
  servers: [],
  tools: [],
  prompts: [],
  resources: [],
  resourceTemplates: [],
  conflicts: [],
};

/** Builds the catalog content (without version) from the sources in configuration order. */
export function buildCatalog(sources: readonly UpstreamSource[]): Omit<CatalogSnapshot, 'version'> {
  const conflicts: CatalogConflict[] = [];
  const tools = new EntryCollector<ListedTool>('tool', conflicts);
  const prompts = new EntryCollector<ListedPrompt>('prompt', conflicts);
  const resources = new EntryCollector<ListedResource>('resource', conflicts);
  const resourceTemplates = new EntryCollector<ListedResourceTemplate>('resourceTemplate', conflicts);
  for (const source of sources) {
    const listing = source.state === 'ready' ? source.listing : undefined;
    if (!listing) continue;
    const { name: server, prefix } = source.server;
    for (const tool of listing.tools) tools.add(server, tool.name, prefix + tool.name, { ...tool, name: prefix + tool.name });
    for (const prompt of listing.prompts) prompts.add(server, prompt.name, prefix + prompt.name, { ...prompt, name: prefix + prompt.name });
    for (const resource of listing.resources) resources.add(server, resource.uri, prefix + resource.uri, { ...resource, uri: prefix + resource.uri });
    for (const template of listing.resourceTemplates) {
      resourceTemplates.add(server, template.uriTemplate, prefix + template.uriTemplate, { ...template, uriTemplate: prefix + template.uriTemplate });
    }
  }
  return {
    servers: sources.map((source) => ({
      name: source.server.name,
      url: redactUrl(source.server.url),
      prefix: source.server.prefix,
      state: source.state,
      protocolVersion: source.protocolVersion ?? '',
    })),
    tools: tools.entries,
    prompts: prompts.entries,
    resources: resources.entries,
    resourceTemplates: resourceTemplates.entries,
    conflicts,
  };
}

class EntryCollector<Definition> {
  readonly entries: NamedRoute<Definition>[] = [];
  private readonly owners = new Map<string, string>();

  constructor(
    private readonly kind: CatalogEntryKind,
    private readonly conflicts: CatalogConflict[],
  ) {}

  add(server: string, upstreamKey: string, gatewayKey: string, definition: Definition): void {
    const owner = this.owners.get(gatewayKey);
    if (owner !== undefined) {
      // Sources arrive in configuration order, so the owner is the earlier-listed server.
      this.conflicts.push({ kind: this.kind, gatewayKey, keptServer: owner, droppedServer: server });
      return;
    }
    this.owners.set(gatewayKey, server);
    this.entries.push({ gatewayKey, server, upstreamKey, definition });
  }
}

/**
 * Holds the current snapshot; `update` rebuilds it from the upstreams and, when anything a
 * client or router could see changed, bumps the version and tells the listeners.
 */
export class Catalog {
  private current: CatalogSnapshot = EMPTY_SNAPSHOT;
  private fingerprints = { servers: '[]', tools: '[]', prompts: '[]', resources: '[[],[]]' };
  private readonly listeners = new Set<CatalogListener>();

  get snapshot(): CatalogSnapshot {
    return this.current;
  }

  onChange(listener: CatalogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Returns the change, or undefined when the rebuilt catalog equals the current one. */
  update(sources: readonly UpstreamSource[]): CatalogChange | undefined {
    const built = buildCatalog(sources);
    const fingerprints = {
      servers: JSON.stringify([built.servers, built.conflicts]),
      tools: JSON.stringify(built.tools),
      prompts: JSON.stringify(built.prompts),
      resources: JSON.stringify([built.resources, built.resourceTemplates]),
    };
    const changedFamilies = new Set<CatalogFamily>();
    if (fingerprints.tools !== this.fingerprints.tools) changedFamilies.add('tools');
    if (fingerprints.prompts !== this.fingerprints.prompts) changedFamilies.add('prompts');
    if (fingerprints.resources !== this.fingerprints.resources) changedFamilies.add('resources');
    if (changedFamilies.size === 0 && fingerprints.servers === this.fingerprints.servers) return undefined;
    this.fingerprints = fingerprints;
    this.current = Object.freeze({ ...built, version: this.current.version + 1 });
    const change: CatalogChange = { snapshot: this.current, changedFamilies };
    for (const listener of this.listeners) listener(change);
    return change;
  }
}
