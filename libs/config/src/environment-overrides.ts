import { formatConfigPath } from './config-issue-messages';

// Settings that deployments inject through the environment rather than the file: secrets
// that belong in a Kubernetes Secret, and the log level an operator flips while debugging.
// A set, non-empty variable wins over the file; an empty one counts as unset.

export interface EnvironmentOverride {
  readonly variable: string;
  /** Path of the field the variable sets. */
  readonly path: readonly [string, ...string[]];
}

export const ENVIRONMENT_OVERRIDES: ReadonlyArray<EnvironmentOverride> = Object.freeze([
  Object.freeze({ variable: 'CACHE_CONNECTION_STRING', path: ['sessionStore', 'url'] as const }),
  Object.freeze({ variable: 'GATEWAY_SESSION_SECRET', path: ['session', 'signingSecret'] as const }),
  Object.freeze({ variable: 'LOG_LEVEL', path: ['logLevel'] as const }),
]);

export interface OverriddenDocument {
  readonly document: Record<string, unknown>;
  /** Formatted field path → the variable that set it (to name it in error messages). */
  readonly origins: ReadonlyMap<string, string>;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns a copy of the parsed file with the environment's values written in. Never
 * mutates `document`. A field whose parent in the file is not a mapping is left alone: the
 * schema reports the parent. */
export function applyEnvironmentOverrides(document: Record<string, unknown>, env: NodeJS.ProcessEnv): OverriddenDocument {
  const result: Record<string, unknown> = { ...document };
  const origins = new Map<string, string>();
  for (const { variable, path } of ENVIRONMENT_OVERRIDES) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    let parent: Record<string, unknown> = result;
    let reachable = true;
    for (const key of path.slice(0, -1)) {
      const child = parent[key] ?? {};
      if (!isMapping(child)) {
        reachable = false;
        break;
      }
      const copy = { ...child };
      parent[key] = copy;
      parent = copy;
    }
    if (!reachable) continue;
    parent[path[path.length - 1] as string] = value;
    origins.set(formatConfigPath(path), variable);
  }
  return { document: result, origins };
}
