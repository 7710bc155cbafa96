import { CONFIG_DEFAULTS } from './config-defaults';
import type { ConfigIssue } from './config-error';
import { formatConfigPath } from './config-issue-messages';

// Rules that relate several fields. They read the raw document (before defaults and
// before the schema), guarding every type themselves, so they are reported together with
// the schema's findings instead of only after every field is valid.

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberAt(mapping: unknown, key: string, fallback: number): number | undefined {
  if (mapping !== undefined && !isMapping(mapping)) return undefined;
  const value = mapping?.[key] ?? fallback;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function serverIssues(servers: unknown[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const firstWithName = new Map<string, number>();
  const firstWithPrefix = new Map<string, number>();
  servers.forEach((server, index) => {
    if (!isMapping(server)) return;
    const { name, prefix, credential, headers } = server;
    if (typeof name === 'string') {
      const first = firstWithName.get(name);
      if (first === undefined) firstWithName.set(name, index);
      else issues.push({ path: `servers[${index}].name`, message: `duplicates the name of servers[${first}] ("${name}"); server names must be unique` });
    }
    // Two servers may both go unprefixed; two equal prefixes would make names ambiguous.
    if (typeof prefix === 'string' && prefix !== '') {
      const first = firstWithPrefix.get(prefix);
      if (first === undefined) firstWithPrefix.set(prefix, index);
      else issues.push({ path: `servers[${index}].prefix`, message: `duplicates the prefix of servers[${first}] ("${prefix}"); non-empty prefixes must be unique` });
    }
    if (isMapping(headers)) {
      // HTTP header names are case-insensitive (RFC 9110 §5.1): two spellings of one name
      // would be sent as a single header with both values joined.
      const seen = new Map<string, string>();
      const credentialHeader = isMapping(credential) ? (typeof credential.header === 'string' ? credential.header : CONFIG_DEFAULTS.credential.header) : undefined;
      for (const headerName of Object.keys(headers)) {
        const lower = headerName.toLowerCase();
        const earlier = seen.get(lower);
        if (earlier !== undefined) issues.push({ path: formatConfigPath(['servers', index, 'headers', headerName]), message: `is the same header as "${earlier}" (header names ignore case)` });
        seen.set(lower, headerName);
        if (credentialHeader !== undefined && lower === credentialHeader.toLowerCase()) {
          issues.push({ path: formatConfigPath(['servers', index, 'headers', headerName]), message: 'is the credential header of this server; set it through credential only' });
        }
      }
    }
  });
  return issues;
}

export function checkConfigInvariants(document: Record<string, unknown>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (Array.isArray(document.servers)) issues.push(...serverIssues(document.servers));

  const idleTtlMs = numberAt(document.session, 'idleTtlMs', CONFIG_DEFAULTS.session.idleTtlMs);
  const maxLifetimeMs = numberAt(document.session, 'maxLifetimeMs', CONFIG_DEFAULTS.session.maxLifetimeMs);
  if (idleTtlMs !== undefined && maxLifetimeMs !== undefined && maxLifetimeMs < idleTtlMs) {
    issues.push({ path: 'session.maxLifetimeMs', message: `must be at least session.idleTtlMs (${idleTtlMs})` });
  }

  const reconnect = isMapping(document.broker) ? document.broker.reconnect : undefined;
  const initialDelayMs = numberAt(reconnect, 'initialDelayMs', CONFIG_DEFAULTS.broker.reconnect.initialDelayMs);
  const maxDelayMs = numberAt(reconnect, 'maxDelayMs', CONFIG_DEFAULTS.broker.reconnect.maxDelayMs);
  if (initialDelayMs !== undefined && maxDelayMs !== undefined && maxDelayMs < initialDelayMs) {
    issues.push({ path: 'broker.reconnect.maxDelayMs', message: `must be at least broker.reconnect.initialDelayMs (${initialDelayMs})` });
  }
  return issues;
}
