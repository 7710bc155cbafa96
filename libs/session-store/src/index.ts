export type { GatewaySessionRecord, SessionStore, UpstreamSessionLookup } from './session-store';
