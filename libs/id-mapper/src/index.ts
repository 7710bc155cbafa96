export type { ServerRequestIdMapper, ServerRequestOrigin } from './server-request-id-mapper';
export { InMemoryServerRequestIdMapper } from './in-memory-server-request-id-mapper';
export type { InMemoryServerRequestIdMapperOptions } from './in-memory-server-request-id-mapper';
export { RedisServerRequestIdMapper } from './redis-server-request-id-mapper';
export type { RedisServerRequestIdMapperOptions } from './redis-server-request-id-mapper';
export { createServerRequestIdMapper } from './create-server-request-id-mapper';
export type { ServerRequestIdMapperConfig } from './create-server-request-id-mapper';
export { isGatewayRequestId } from './gateway-request-id';
