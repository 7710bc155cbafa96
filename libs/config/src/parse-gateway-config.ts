import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from './config-error';
import type { ConfigIssue } from './config-error';
import { checkConfigInvariants } from './config-invariants';
import { configIssueMessage, toConfigIssues } from './config-issue-messages';
import { deepFreeze } from './deep-freeze';
import { applyEnvironmentOverrides } from './environment-overrides';
import type { GatewayConfig } from './gateway-config';
import { gatewayConfigSchema } from './gateway-config-schema';

// The edge where configuration enters a gateway process: YAML text (+ environment) in, one
// validated, defaulted, frozen `GatewayConfig` out — or one `ConfigError` listing every
// problem. Nothing downstream validates configuration again.

// Bounds YAML alias expansion ("billion laughs"): a config file has no use for many aliases.
const MAX_ALIAS_COUNT = 100;

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readYaml(yamlText: string, source: string | undefined): unknown {
  const lineCounter = new LineCounter();
  // prettyErrors is off on purpose: it quotes the offending source lines, which may hold
  // secrets. The position alone is enough to find the mistake.
  const document = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const issues = document.errors.map((error): ConfigIssue => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return { path: `line ${line}, column ${col}`, message: `YAML syntax: ${error.message}` };
    });
    throw new ConfigError(issues, { source });
  }
  return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
}

/**
 * Parses and validates a gateway configuration file's text. Environment overrides
 * (`ENVIRONMENT_OVERRIDES`) are read from `env`. Throws `ConfigError` listing every
 * problem; the result is deeply frozen.
 */
export function parseGatewayConfig(yamlText: string, env: NodeJS.ProcessEnv = process.env, options: { source?: string } = {}): GatewayConfig {
  const { source } = options;
  const parsed = readYaml(yamlText, source) ?? {};
  if (!isMapping(parsed)) {
    throw new ConfigError([{ path: '', message: 'the file must be a YAML mapping with a "servers" list at the top level' }], { source });
  }
  const { document, origins } = applyEnvironmentOverrides(parsed, env);
  const result = gatewayConfigSchema.safeParse(document, { error: configIssueMessage });
  const issues: ConfigIssue[] = result.success ? [] : result.error.issues.flatMap(toConfigIssues);
  issues.push(...checkConfigInvariants(document));
  if (issues.length > 0 || !result.success) {
    // A field set from the environment is named by its variable too: the file may not
    // even mention it.
    const located = issues.map((issue) => {
      const variable = origins.get(issue.path);
      return variable === undefined ? issue : { path: `${issue.path} (from ${variable})`, message: issue.message };
    });
    throw new ConfigError(located, { source });
  }
  return deepFreeze(result.data);
}

/** Reads `filePath` and parses it like `parseGatewayConfig`. An unreadable file is a
 * `ConfigError` too, so callers handle one error type. */
export async function loadGatewayConfig(filePath: string, env: NodeJS.ProcessEnv = process.env): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ConfigError([{ path: '', message: `cannot read the file (${code})` }], { source: filePath });
  }
  return parseGatewayConfig(text, env, { source: filePath });
}
