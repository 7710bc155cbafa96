// The checks `opm validate` makes on a file-based catalog, for machines without opm (the
// real one runs in the `bundle` workflow): one package with a default channel that exists,
// channels whose entries are bundles of the package forming one upgrade graph with a single
// head, bundles with an olm.package property matching their name, and no duplicates.
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';

export type CatalogRule = 'schema' | 'package' | 'channel' | 'bundle' | 'upgrade-graph';

export interface CatalogProblem {
  readonly rule: CatalogRule;
  readonly message: string;
}

export type CatalogBlob = Record<string, unknown> & { schema?: string; name?: string; package?: string };

export async function loadCatalog(file: string): Promise<CatalogBlob[]> {
  return parseAllDocuments(await readFile(file, 'utf8'))
    .map((document) => document.toJS() as CatalogBlob | null)
    .filter((blob): blob is CatalogBlob => blob !== null);
}

interface ChannelEntry {
  name: string;
  replaces?: string;
  skips?: string[];
  skipRange?: string;
}

export function validateCatalog(blobs: readonly CatalogBlob[]): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  const report = (rule: CatalogRule, message: string) => problems.push({ rule, message });
  for (const blob of blobs) {
    if (!['olm.package', 'olm.channel', 'olm.bundle', 'olm.deprecations'].includes(blob.schema ?? '')) report('schema', `unknown schema "${blob.schema ?? ''}" (${blob.name ?? 'unnamed'})`);
  }
  const packages = blobs.filter((blob) => blob.schema === 'olm.package');
  if (packages.length !== 1) report('package', `expected one olm.package, found ${packages.length}`);
  const packageName = packages[0]?.name ?? '';
  const channels = blobs.filter((blob) => blob.schema === 'olm.channel');
  const bundles = blobs.filter((blob) => blob.schema === 'olm.bundle');
  const defaultChannel = packages[0]?.['defaultChannel'];
  if (typeof defaultChannel !== 'string' || !channels.some((channel) => channel.name === defaultChannel)) report('package', `defaultChannel "${String(defaultChannel)}" is not a channel of the package`);

  const bundleNames = new Set<string>();
  for (const bundle of bundles) {
    if (bundle.package !== packageName) report('bundle', `bundle ${bundle.name ?? ''} belongs to package "${bundle.package ?? ''}", not "${packageName}"`);
    if (bundleNames.has(bundle.name ?? '')) report('bundle', `bundle ${bundle.name ?? ''} is defined twice`);
    bundleNames.add(bundle.name ?? '');
    if (typeof bundle['image'] !== 'string' || bundle['image'] === '') report('bundle', `bundle ${bundle.name ?? ''} names no image`);
    const properties = (bundle['properties'] ?? []) as Array<{ type: string; value: Record<string, unknown> }>;
    const packageProperty = properties.filter((property) => property.type === 'olm.package');
    if (packageProperty.length !== 1) report('bundle', `bundle ${bundle.name ?? ''} needs exactly one olm.package property`);
    else if (packageProperty[0]?.value['packageName'] !== packageName) report('bundle', `bundle ${bundle.name ?? ''}: olm.package names "${String(packageProperty[0]?.value['packageName'])}"`);
    else if (!`${bundle.name ?? ''}`.endsWith(`.v${String(packageProperty[0]?.value['version'])}`)) report('bundle', `bundle ${bundle.name ?? ''}: olm.package version ${String(packageProperty[0]?.value['version'])} does not match its name`);
  }

  const channelNames = new Set<string>();
  for (const channel of channels) {
    if (channel.package !== packageName) report('channel', `channel ${channel.name ?? ''} belongs to package "${channel.package ?? ''}"`);
    if (channelNames.has(channel.name ?? '')) report('channel', `channel ${channel.name ?? ''} is defined twice`);
    channelNames.add(channel.name ?? '');
    const entries = (channel['entries'] ?? []) as ChannelEntry[];
    if (entries.length === 0) report('channel', `channel ${channel.name ?? ''} has no entries`);
    const inChannel = new Set(entries.map((entry) => entry.name));
    for (const entry of entries) {
      if (!bundleNames.has(entry.name)) report('channel', `channel ${channel.name ?? ''}: entry ${entry.name} is not a bundle of the catalog`);
      if (entry.replaces !== undefined && entry.replaces === entry.name) report('upgrade-graph', `${entry.name} replaces itself`);
    }
    // One head: exactly one entry that no other entry replaces or skips.
    const replacedOrSkipped = new Set(entries.flatMap((entry) => [entry.replaces, ...(entry.skips ?? [])]).filter((name): name is string => name !== undefined && inChannel.has(name)));
    const heads = entries.filter((entry) => !replacedOrSkipped.has(entry.name));
    if (entries.length > 0 && heads.length !== 1) report('upgrade-graph', `channel ${channel.name ?? ''} must have one head, found ${heads.length}: ${heads.map((entry) => entry.name).join(', ')}`);
    // No cycle along replaces.
    const byName = new Map(entries.map((entry) => [entry.name, entry]));
    for (const entry of entries) {
      const seen = new Set<string>();
      let current: ChannelEntry | undefined = entry;
      while (current?.replaces !== undefined) {
        if (seen.has(current.name)) {
          report('upgrade-graph', `channel ${channel.name ?? ''}: replaces cycle through ${current.name}`);
          break;
        }
        seen.add(current.name);
        current = byName.get(current.replaces);
      }
    }
  }
  return problems;
}
