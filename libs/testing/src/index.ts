// Test-only helpers (specs, e2e and bench). Production code must never import this lib.
export { freePort } from './free-port';
export { startProcess, ProcessStartError } from './managed-process';
export type { ManagedProcess, StartProcessOptions } from './managed-process';
export { startRedisServer, RedisServerMissingError } from './redis-server';
export type { RedisServerHandle, StartRedisServerOptions } from './redis-server';
export { waitFor, WaitForTimeoutError } from './wait-for';
export type { WaitForOptions } from './wait-for';
