export type { ServerRequestIdMapper, ServerRequestOrigin } from './server-request-id-mapper';
