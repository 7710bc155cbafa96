// The router's in-memory view of where every gateway name lives, built once per snapshot
// from the broker (so a request never waits on the broker to be routed). Immutable: a new
// snapshot builds a new table and swaps it in whole, so a request sees one consistent
// version from start to end. It never talks to the network.
//
// Routing rules (docs/design/router.md):
// - tools/call and prompts/get: exact gateway name → (server, upstream name).
// - resources/*: an exact resource URI first; otherwise the resource templates, most
//   specific first (longest literal text before the first expression), then publication
//   order. For a template match the upstream URI is the gateway URI without the prefix the
//   gateway put in front of the upstream's template.
// - completion/complete: ref/prompt by prompt name; ref/resource by template text (exact),
//   then as a resource URI.
// - Routes naming a server absent from the snapshot's server list are ignored.

import type {
  NamedRouteEntry,
  ResourceTemplateRouteEntry,
  RoutingTableSnapshot,
  UpstreamServerEntry,
} from './routing-table-snapshot';
import { UriTemplatePattern } from './uri-template-pattern';

/** Where one gateway name goes, and the name the upstream itself knows. */
export interface RouteTarget {
  readonly server: UpstreamServerEntry;
  /** The upstream's own tool/prompt name or resource URI (prefix stripped). */
  readonly upstreamValue: string;
}

interface TemplateRoute {
  readonly pattern: UriTemplatePattern;
  readonly server: UpstreamServerEntry;
  /** What the gateway put in front of the upstream's template ("" for unprefixed servers). */
  readonly gatewayUriPrefix: string;
  readonly upstreamUriTemplate: string;
}

function gatewayUriPrefixOf(route: ResourceTemplateRouteEntry, server: UpstreamServerEntry): string {
  const { gatewayUriTemplate, upstreamUriTemplate } = route;
  if (gatewayUriTemplate.endsWith(upstreamUriTemplate)) {
    return gatewayUriTemplate.slice(0, gatewayUriTemplate.length - upstreamUriTemplate.length);
  }
  return server.prefix;
}

export class RoutingTable {
  private readonly servers = new Map<string, UpstreamServerEntry>();
  private readonly tools = new Map<string, RouteTarget>();
  private readonly prompts = new Map<string, RouteTarget>();
  private readonly resources = new Map<string, RouteTarget>();
  private readonly templatesByText = new Map<string, TemplateRoute>();
  private readonly templates: TemplateRoute[] = [];

  private constructor(readonly version: bigint) {}

  static empty(): RoutingTable {
    return new RoutingTable(0n);
  }

  static fromSnapshot(snapshot: RoutingTableSnapshot): RoutingTable {
    const table = new RoutingTable(snapshot.version);
    for (const server of snapshot.servers) table.servers.set(server.name, server);
    table.indexNamed(snapshot.tools, table.tools);
    table.indexNamed(snapshot.prompts, table.prompts);
    for (const route of snapshot.resources) {
      const server = table.servers.get(route.server);
      if (server && !table.resources.has(route.gatewayUri)) {
        table.resources.set(route.gatewayUri, { server, upstreamValue: route.upstreamUri });
      }
    }
    for (const route of snapshot.resourceTemplates) {
      const server = table.servers.get(route.server);
      if (!server || table.templatesByText.has(route.gatewayUriTemplate)) continue;
      const templateRoute: TemplateRoute = {
        pattern: new UriTemplatePattern(route.gatewayUriTemplate),
        server,
        gatewayUriPrefix: gatewayUriPrefixOf(route, server),
        upstreamUriTemplate: route.upstreamUriTemplate,
      };
      table.templatesByText.set(route.gatewayUriTemplate, templateRoute);
      table.templates.push(templateRoute);
    }
    // Stable sort: most specific first, publication order among equals.
    table.templates.sort((a, b) => b.pattern.literalPrefix.length - a.pattern.literalPrefix.length);
    return table;
  }

  private indexNamed(routes: readonly NamedRouteEntry[], into: Map<string, RouteTarget>): void {
    for (const route of routes) {
      const server = this.servers.get(route.server);
      // The broker resolves conflicts; should two entries still collide, the first wins.
      if (server && !into.has(route.gatewayName)) {
        into.set(route.gatewayName, { server, upstreamValue: route.upstreamName });
      }
    }
  }

  server(name: string): UpstreamServerEntry | undefined {
    return this.servers.get(name);
  }

  serverNames(): IterableIterator<string> {
    return this.servers.keys();
  }

  resolveTool(gatewayName: string): RouteTarget | undefined {
    return this.tools.get(gatewayName);
  }

  resolvePrompt(gatewayName: string): RouteTarget | undefined {
    return this.prompts.get(gatewayName);
  }

  resolveResourceUri(gatewayUri: string): RouteTarget | undefined {
    const exact = this.resources.get(gatewayUri);
    if (exact) return exact;
    for (const template of this.templates) {
      if (template.gatewayUriPrefix !== '' && !gatewayUri.startsWith(template.gatewayUriPrefix)) continue;
      if (template.pattern.matches(gatewayUri)) {
        return { server: template.server, upstreamValue: gatewayUri.slice(template.gatewayUriPrefix.length) };
      }
    }
    return undefined;
  }

  /** completion/complete `ref/resource` carries a template text (or a plain URI). */
  resolveResourceTemplate(gatewayUriTemplate: string): RouteTarget | undefined {
    const template = this.templatesByText.get(gatewayUriTemplate);
    if (template) return { server: template.server, upstreamValue: template.upstreamUriTemplate };
    return this.resolveResourceUri(gatewayUriTemplate);
  }
}
