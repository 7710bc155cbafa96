// The ext_proc processing mode the gateway is built for — the one the operator writes into
// the EnvoyFilter / EnvoyExtensionPolicy — and the per-request overrides the face sends.
// Request headers: screened before the body is read. Request body BUFFERED: one JSON-RPC
// message, parsed once, routed, rewritten (Envoy then lets header mutations of the body
// answer take effect and checks content-length). Response headers: session id swap and
// the choice of what the body needs. Response body STREAMED: SSE answers pass chunk by
// chunk, only server-to-client requests get new ids. Trailers are never sent.
//
// An override replaces the whole mode (Envoy honours it only in answer to a headers
// message and only with `allow_mode_override: true`); without that setting every override
// is ignored and the face still works, at the cost of answers it did not need to see.

import type { BodySendMode, ProcessingMode } from './ext-proc-messages';

export const GATEWAY_PROCESSING_MODE: ProcessingMode = Object.freeze({
  request_header_mode: 'SEND',
  response_header_mode: 'SEND',
  request_body_mode: 'BUFFERED',
  response_body_mode: 'STREAMED',
  request_trailer_mode: 'SKIP',
  response_trailer_mode: 'SKIP',
});

/** The gateway's mode with another response body mode (sent with a response headers answer). */
export function withResponseBody(mode: BodySendMode): ProcessingMode {
  return RESPONSE_BODY_OVERRIDES[mode];
}

const RESPONSE_BODY_OVERRIDES: Readonly<Record<BodySendMode, ProcessingMode>> = Object.freeze({
  NONE: Object.freeze({ ...GATEWAY_PROCESSING_MODE, response_body_mode: 'NONE' }),
  STREAMED: GATEWAY_PROCESSING_MODE,
  BUFFERED: Object.freeze({ ...GATEWAY_PROCESSING_MODE, response_body_mode: 'BUFFERED' }),
  BUFFERED_PARTIAL: Object.freeze({ ...GATEWAY_PROCESSING_MODE, response_body_mode: 'BUFFERED_PARTIAL' }),
});

/** For a request the processor needs to see no more of (a GET notification stream, a
 * DELETE): its answer passes Envoy without a round trip to the router. */
export const NOTHING_MORE: ProcessingMode = Object.freeze({
  ...GATEWAY_PROCESSING_MODE,
  response_header_mode: 'SKIP',
  response_body_mode: 'NONE',
});
