// Parses the session store URL once, at the edge: `redis://[user[:password]@]host[:port][/db]`
// or `rediss://…` for TLS. Credentials are percent-decoded. Anything else is refused with a
// SessionStoreConfigError that never repeats the password.

import { SessionStoreConfigError } from './session-store-config-error';

export interface RedisEndpoint {
  readonly host: string;
  readonly port: number;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly db: number;
  readonly tls: boolean;
}

export function parseRedisUrl(url: string): RedisEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SessionStoreConfigError('the session store URL is not a valid URL (expected redis://host:port/db or rediss://…)');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new SessionStoreConfigError(`the session store URL must start with redis:// or rediss://, not ${parsed.protocol}//`);
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new SessionStoreConfigError('the session store URL has no host');
  if (parsed.search !== '' || parsed.hash !== '') {
    throw new SessionStoreConfigError('the session store URL must not carry query parameters or a fragment');
  }
  const dbText = parsed.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d{1,5}$/.test(dbText)) {
    throw new SessionStoreConfigError(`the session store URL path must be a database number, like /0, not /${dbText}`);
  }
  return {
    host,
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    username: parsed.username === '' ? undefined : decodeURIComponent(parsed.username),
    password: parsed.password === '' ? undefined : decodeURIComponent(parsed.password),
    db: dbText === '' ? 0 : Number(dbText),
    tls: parsed.protocol === 'rediss:',
  };
}
