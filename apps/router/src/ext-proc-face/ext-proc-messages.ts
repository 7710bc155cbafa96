// The subset of Envoy's ext_proc v3 messages (envoy/service/ext_proc/v3/external_processor.proto,
// Envoy ~1.31 API) the gateway reads and writes, in the shapes @grpc/proto-loader produces
// with EXT_PROC_PROTO_LOADER_OPTIONS: snake_case fields, enums as their names, unset
// messages as null, `bytes` as Buffer, and a virtual field naming the member of each oneof.
// What we send may leave fields out (they take their proto defaults on the wire).

/** envoy.config.core.v3.HeaderValue. Envoy fills `raw_value` (bytes) and reads only it
 * when it applies a mutation (runtime guard `send_header_raw_value`, on by default). */
export interface HeaderValue {
  readonly key: string;
  readonly value?: string;
  readonly raw_value?: Buffer | Uint8Array;
}

export interface HeaderMap {
  readonly headers: readonly HeaderValue[];
}

/** envoy.config.core.v3.HeaderValueOption. `append` (a BoolValue) is the field this API
 * version honours; `append_action` is ignored by the ext_proc filter. Unset = replace. */
export interface HeaderValueOption {
  readonly header: HeaderValue;
  readonly append?: { readonly value: boolean } | null;
}

export interface HeaderMutation {
  readonly set_headers?: readonly HeaderValueOption[];
  readonly remove_headers?: readonly string[];
}

export type BodyMutation = { readonly body: Buffer } | { readonly clear_body: true };

export type ResponseStatus = 'CONTINUE' | 'CONTINUE_AND_REPLACE';

export interface CommonResponse {
  readonly status?: ResponseStatus;
  readonly header_mutation?: HeaderMutation | null;
  readonly body_mutation?: BodyMutation | null;
  /** Honoured by Envoy only in the request direction, and only beside a header_mutation. */
  readonly clear_route_cache?: boolean;
}

export interface HeadersResponse {
  readonly response?: CommonResponse | null;
}

export interface BodyResponse {
  readonly response?: CommonResponse | null;
}

export interface TrailersResponse {
  readonly header_mutation?: HeaderMutation | null;
}

export interface ImmediateResponse {
  /** envoy.type.v3.HttpStatus: the code must be one the StatusCode enum defines. */
  readonly status: { readonly code: number | string };
  readonly headers?: HeaderMutation | null;
  readonly body?: Buffer;
  readonly details?: string;
}

export type HeaderSendMode = 'DEFAULT' | 'SEND' | 'SKIP';
export type BodySendMode = 'NONE' | 'STREAMED' | 'BUFFERED' | 'BUFFERED_PARTIAL';

/** envoy.extensions.filters.http.ext_proc.v3.ProcessingMode. */
export interface ProcessingMode {
  readonly request_header_mode: HeaderSendMode;
  readonly response_header_mode: HeaderSendMode;
  readonly request_body_mode: BodySendMode;
  readonly response_body_mode: BodySendMode;
  readonly request_trailer_mode: HeaderSendMode;
  readonly response_trailer_mode: HeaderSendMode;
}

/** What the gateway sends back: exactly one of the members, plus an optional mode override
 * (honoured only in answer to a headers message, and only with `allow_mode_override`). */
export type ProcessingResponse = (
  | { readonly request_headers: HeadersResponse }
  | { readonly response_headers: HeadersResponse }
  | { readonly request_body: BodyResponse }
  | { readonly response_body: BodyResponse }
  | { readonly request_trailers: TrailersResponse }
  | { readonly response_trailers: TrailersResponse }
  | { readonly immediate_response: ImmediateResponse }
) & { readonly mode_override?: ProcessingMode };

export interface HttpHeaders {
  readonly headers: HeaderMap | null;
  readonly end_of_stream: boolean;
}

export interface HttpBody {
  readonly body: Buffer;
  readonly end_of_stream: boolean;
}

export interface HttpTrailers {
  readonly trailers: HeaderMap | null;
}

/** What Envoy sends, as proto-loader decodes it (`request` names the oneof member set). */
export interface ProcessingRequest {
  readonly request: 'request_headers' | 'response_headers' | 'request_body' | 'response_body' | 'request_trailers' | 'response_trailers';
  readonly request_headers: HttpHeaders | null;
  readonly response_headers: HttpHeaders | null;
  readonly request_body: HttpBody | null;
  readonly response_body: HttpBody | null;
  readonly request_trailers: HttpTrailers | null;
  readonly response_trailers: HttpTrailers | null;
  readonly observability_mode: boolean;
}
