import type { JsonRpcMessage } from './json-rpc-message';

/**
 * The wire form of one message or a batch. No validation here: messages are typed on the way
 * in (parseJsonRpc) and built typed by the gateway. Throws TypeError only on programmer errors
 * JSON cannot represent (cycles, BigInt).
 */
export function serializeJsonRpc(message: JsonRpcMessage | JsonRpcMessage[]): string {
  return JSON.stringify(message);
}
