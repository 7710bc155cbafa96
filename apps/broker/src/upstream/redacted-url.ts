// Upstream URLs are shown in /status and sent to routers; a URL may carry credentials in
// its user-info part (http://user:secret@host/mcp), which must never leave the process.

/** The URL without user name and password; unparsable input is replaced, not echoed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(invalid url)';
  }
}

/** Replaces every occurrence of each secret in `text` (error messages may quote headers). */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 4) result = result.split(secret).join('[redacted]');
  }
  return result;
}
