// Number formatting shared by the console table, the markdown table and progress lines.
// Missing values (NaN, undefined) print as an em dash, never as "NaN".

const missing = (value: number | undefined): value is undefined => value === undefined || !Number.isFinite(value);

export function formatRate(value: number | undefined): string {
  return missing(value) ? '—' : Math.round(value).toLocaleString('en-US');
}

export function formatMs(value: number | undefined): string {
  if (missing(value)) return '—';
  return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : Math.round(value).toString();
}

export function formatSignedMs(value: number | undefined): string {
  if (missing(value)) return '—';
  return `${value >= 0 ? '+' : '−'}${formatMs(Math.abs(value))}`;
}

export function formatRatio(value: number | undefined): string {
  return missing(value) ? '—' : `${(value * 100).toFixed(0)}%`;
}

export function formatSeconds(value: number | undefined): string {
  return missing(value) ? '—' : value.toFixed(2);
}

export function formatMiB(bytes: number | undefined): string {
  return missing(bytes) ? '—' : (bytes / (1024 * 1024)).toFixed(0);
}

export function formatKiB(bytes: number | undefined): string {
  return missing(bytes) ? '—' : (bytes / 1024).toFixed(2);
}

export function formatCount(value: number | undefined): string {
  return missing(value) ? '—' : value.toLocaleString('en-US');
}
