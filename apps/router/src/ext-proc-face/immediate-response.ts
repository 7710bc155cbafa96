// An answer the router gives itself (an error, a refusal, a redirect) as Envoy's
// `immediate_response`: same status, headers and JSON-RPC body as the HTTP face would send.
// Envoy's local replies are text/plain unless told otherwise, so the content type is always
// set explicitly (INFRA.md, the ext_proc paragraph).

import type { OutgoingHttpHeaders } from 'node:http';
import type { ImmediateAnswer } from '../routing/route-decision';
import type { ProcessingResponse } from './ext-proc-messages';
import { headerMutation } from './header-map';

function stringHeaders(headers: OutgoingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/** `details` shows in Envoy's access log as %RESPONSE_CODE_DETAILS%. */
export function immediateResponse(answer: ImmediateAnswer, details: string): ProcessingResponse {
  const headers = stringHeaders(answer.headers);
  if (answer.body !== '' && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  return {
    immediate_response: {
      status: { code: answer.status },
      headers: headerMutation(headers),
      body: Buffer.from(answer.body, 'utf8'),
      details,
    },
  };
}

/** 307 to the same path: the client repeats the request (same method, same body), which is
 * how a routed call is retried on a fresh upstream session behind Envoy (see ExtProcExchange). */
export function repeatRequest(path: string, details: string): ProcessingResponse {
  return {
    immediate_response: {
      status: { code: 307 },
      headers: headerMutation({ location: path, 'content-type': 'application/json', 'cache-control': 'no-store' }),
      body: Buffer.alloc(0),
      details,
    },
  };
}
