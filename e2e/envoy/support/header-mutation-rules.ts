// Envoy's checks on a processor's header mutations (envoy.config.common.mutation_rules.v3.
// HeaderMutationRules as the ext_proc filter applies them, Envoy ~1.31), so that the
// emulator refuses what Envoy refuses:
// - values are read from `raw_value` only (runtime guard send_header_raw_value, on by
//   default): a mutation that fills only `value` sets an empty value;
// - `host`, `:authority`, `:scheme` and `:method` change only with allow_all_routing;
//   `x-envoy-*` only with allow_envoy; any `:` header never with disallow_system;
// - headers starting with `:` and `host` can never be removed;
// - `append` (BoolValue, unset = false) chooses add over replace; `append_action` is ignored;
// - a refused mutation is skipped and counted, or fails the request with
//   disallow_is_error.

import type { WireHeaderMutation } from './ext-proc-wire';

export interface MutationRules {
  readonly allowAllRouting?: boolean;
  readonly allowEnvoy?: boolean;
  readonly disallowSystem?: boolean;
  readonly disallowIsError?: boolean;
}

const ROUTING_HEADERS = new Set(['host', ':authority', ':scheme', ':method']);

/** Header list with Envoy's semantics: ordered, lower-case names, repeated names allowed. */
export class EmulatedHeaderMap {
  constructor(readonly entries: Array<[string, string]> = []) {}

  get(name: string): string | undefined {
    return this.entries.find(([key]) => key === name)?.[1];
  }

  set(name: string, value: string): void {
    const first = this.entries.findIndex(([key]) => key === name);
    this.remove(name);
    if (first === -1) this.entries.push([name, value]);
    else this.entries.splice(Math.min(first, this.entries.length), 0, [name, value]);
  }

  add(name: string, value: string): void {
    this.entries.push([name, value]);
  }

  remove(name: string): void {
    for (let i = this.entries.length - 1; i >= 0; i -= 1) if (this.entries[i]?.[0] === name) this.entries.splice(i, 1);
  }

  /** Regular headers for node:http (pseudo-headers left out). */
  regular(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [key, value] of this.entries) {
      if (key.startsWith(':')) continue;
      const existing = out[key];
      if (existing === undefined) out[key] = value;
      else out[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
    return out;
  }

  wire(): Array<{ key: string; raw_value: Buffer }> {
    return this.entries.map(([key, value]) => ({ key, raw_value: Buffer.from(value, 'latin1') }));
  }
}

export interface MutationOutcome {
  /** Mutations refused by the rules (Envoy's `rejected_header_mutations` counter). */
  readonly rejected: number;
  /** True when a refusal must fail the request (disallow_is_error). */
  readonly failRequest: boolean;
}

function allowed(name: string, rules: MutationRules): boolean {
  if (rules.disallowSystem && name.startsWith(':')) return false;
  if (ROUTING_HEADERS.has(name)) return rules.allowAllRouting === true;
  if (name.startsWith('x-envoy')) return rules.allowEnvoy === true;
  return true;
}

function validValue(value: string): boolean {
  // RFC 9110 field-value: no CR, LF or NUL (Envoy's HeaderUtility::headerValueIsValid).
  return !/[\r\n\0]/.test(value);
}

export function applyHeaderMutation(headers: EmulatedHeaderMap, mutation: WireHeaderMutation | null, rules: MutationRules): MutationOutcome {
  let rejected = 0;
  if (!mutation) return { rejected, failRequest: false };
  for (const option of mutation.set_headers) {
    if (!option.header) continue;
    const name = option.header.key.toLowerCase();
    const value = option.header.raw_value.toString('latin1');
    if (name === '' || !allowed(name, rules) || !validValue(value)) {
      rejected += 1;
      continue;
    }
    if (option.append?.value === true) headers.add(name, value);
    else headers.set(name, value);
  }
  for (const raw of mutation.remove_headers) {
    const name = raw.toLowerCase();
    if (name.startsWith(':') || name === 'host' || !allowed(name, rules)) {
      rejected += 1;
      continue;
    }
    headers.remove(name);
  }
  return { rejected, failRequest: rejected > 0 && rules.disallowIsError === true };
}
