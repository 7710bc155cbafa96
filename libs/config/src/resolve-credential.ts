import { readFile } from 'node:fs/promises';
import type { UpstreamServerConfig } from './gateway-config';

// Produces the headers a gateway sends to one upstream: the server's static headers plus
// its credential header, whose value is looked up at call time. A file source is read on
// every call so a rotated Secret (re-mounted by the kubelet) applies without a restart.
// Credential values are bearer secrets: this module never logs them and its errors name
// only where the value was expected, never the value.

export type CredentialSource = 'env' | 'file';

export class CredentialUnavailableError extends Error {
  override readonly name = 'CredentialUnavailableError';
  readonly code = 'CREDENTIAL_UNAVAILABLE';
  readonly server: string;
  readonly source: CredentialSource;

  constructor(server: string, source: CredentialSource, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.server = server;
    this.source = source;
  }
}

async function credentialValue(server: UpstreamServerConfig, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const credential = server.credential;
  if (credential === undefined) return undefined;
  if (credential.value !== undefined) return credential.value;
  if (credential.valueFromEnv !== undefined) {
    const value = env[credential.valueFromEnv];
    if (value === undefined || value === '') {
      throw new CredentialUnavailableError(server.name, 'env', `credential for server "${server.name}": environment variable ${credential.valueFromEnv} is not set`);
    }
    return value;
  }
  if (credential.valueFromFile !== undefined) {
    let text: string;
    try {
      text = await readFile(credential.valueFromFile, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      throw new CredentialUnavailableError(server.name, 'file', `credential for server "${server.name}": cannot read ${credential.valueFromFile} (${code})`, { cause: error });
    }
    // Files written with `echo` or an editor end in a newline that is not part of the secret.
    const value = text.replace(/[\r\n]+$/, '');
    if (value === '' || /[\r\n]/.test(value)) {
      throw new CredentialUnavailableError(server.name, 'file', `credential for server "${server.name}": ${credential.valueFromFile} must hold one non-empty line`);
    }
    return value;
  }
  return undefined;
}

/**
 * Headers to send to `server`: its static `headers`, plus the credential header when a
 * credential is configured (sent verbatim: write `Bearer …` into the value yourself).
 * Throws `CredentialUnavailableError` when the credential's source is missing or empty.
 */
export async function resolveCredential(server: UpstreamServerConfig, env: NodeJS.ProcessEnv = process.env): Promise<Record<string, string>> {
  const headers: Record<string, string> = { ...server.headers };
  const value = await credentialValue(server, env);
  if (value !== undefined && server.credential !== undefined) headers[server.credential.header] = value;
  return headers;
}
