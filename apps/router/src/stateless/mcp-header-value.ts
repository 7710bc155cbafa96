// Values mirrored into `Mcp-Name` and `Mcp-Param-*` headers (MCP 2026-07-28 "Streamable
// HTTP: Value Encoding"): plain when the value is visible ASCII (or space/tab) without
// leading/trailing whitespace, otherwise `=?base64?<base64 of the UTF-8 bytes>?=` — the
// sentinel is case-sensitive, and a plain value that looks like it must be encoded too.

const SENTINEL_PREFIX = '=?base64?';
const SENTINEL_SUFFIX = '?=';
/** RFC 9110 field-value characters: visible ASCII, space, horizontal tab. */
const SAFE = /^[\x20-\x7e\t]*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The header value to send for `value`. */
export function encodeMcpHeaderValue(value: string): string {
  const plain =
    SAFE.test(value) &&
    value.trim() === value &&
    !(value.startsWith(SENTINEL_PREFIX) && value.endsWith(SENTINEL_SUFFIX));
  return plain ? value : `${SENTINEL_PREFIX}${Buffer.from(value, 'utf8').toString('base64')}${SENTINEL_SUFFIX}`;
}

/**
 * The value a received header stands for, or undefined when it is malformed (characters a
 * header may not carry, or a sentinel whose content is not base64 of valid UTF-8).
 */
export function decodeMcpHeaderValue(header: string): string | undefined {
  if (!SAFE.test(header)) return undefined;
  if (!(header.startsWith(SENTINEL_PREFIX) && header.endsWith(SENTINEL_SUFFIX) && header.length >= SENTINEL_PREFIX.length + SENTINEL_SUFFIX.length)) {
    return header;
  }
  const encoded = header.slice(SENTINEL_PREFIX.length, header.length - SENTINEL_SUFFIX.length);
  if (!BASE64.test(encoded) || encoded.length % 4 !== 0) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(encoded, 'base64'));
  } catch {
    return undefined;
  }
}
