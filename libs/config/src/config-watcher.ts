import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from './config-error';
import type { GatewayConfig } from './gateway-config';
import { parseGatewayConfig } from './parse-gateway-config';

// Hot reload of the gateway configuration file. It must never replace a good configuration
// with a broken one: a file that fails to parse is reported through `onInvalid` and the
// last good snapshot stays in force.
//
// It watches the file's directory, not the file: editors save by writing a temporary file
// and renaming it over the original, and the kubelet updates a mounted Secret or ConfigMap
// by swapping the `..data` symlink — in both cases a watch on the old file's inode would
// go silent. Every event in the directory schedules one debounced re-read; unrelated
// events cost a read and nothing else, because `onChange` only fires when the parsed
// configuration differs from the one in force.

export interface ConfigWatcherHandlers {
  /** A new, valid configuration that differs from the previous one. */
  onChange(config: GatewayConfig): void;
  /** The file changed but cannot be used; the previous configuration stays in force.
   * Also receives errors thrown by `onChange`. */
  onInvalid(error: ConfigError | Error): void;
}

export interface ConfigWatcherOptions {
  /** Quiet time after the last file-system event before the file is read. Default 100 ms. */
  debounceMs?: number;
  /** Environment for overrides; read once, at construction. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_DEBOUNCE_MS = 100;

/** Canonical JSON (sorted keys), so two equal configurations compare equal whatever the
 * order of keys in the file. */
function fingerprint(value: unknown): string {
  return JSON.stringify(value, (_key, nested: unknown) =>
    typeof nested === 'object' && nested !== null && !Array.isArray(nested)
      ? Object.fromEntries(Object.entries(nested).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : nested,
  );
}

export class ConfigWatcher {
  readonly #filePath: string;
  readonly #handlers: ConfigWatcherHandlers;
  readonly #debounceMs: number;
  readonly #env: NodeJS.ProcessEnv;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #current: GatewayConfig | undefined;
  #currentFingerprint: string | undefined;
  /** Text of the last file read, valid or not: an unchanged file is not parsed again. */
  #lastText: string | undefined;
  #reloading: Promise<void> | undefined;
  #reloadAgain = false;
  #started = false;
  #closed = false;

  constructor(filePath: string, handlers: ConfigWatcherHandlers, options: ConfigWatcherOptions = {}) {
    this.#filePath = path.resolve(filePath);
    this.#handlers = handlers;
    this.#debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    this.#env = { ...(options.env ?? process.env) };
  }

  /** The configuration in force (undefined before `start()` resolves). */
  get current(): GatewayConfig | undefined {
    return this.#current;
  }

  /** Loads the file (throws `ConfigError` when it is invalid or unreadable) and starts
   * watching. */
  async start(): Promise<GatewayConfig> {
    if (this.#started) throw new Error('ConfigWatcher.start() was already called');
    this.#started = true;
    // Watch before the first read so that a change made during the read is not missed.
    this.#watcher = watch(path.dirname(this.#filePath), { persistent: false }, () => this.#schedule());
    this.#watcher.on('error', (error) => this.#reportInvalid(error));
    try {
      const text = await this.#read();
      const config = parseGatewayConfig(text, this.#env, { source: this.#filePath });
      this.#lastText = text;
      this.#current = config;
      this.#currentFingerprint = fingerprint(config);
      return config;
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** Stops watching; resolves once any reload in progress has finished. No handler is
   * called after `close()` resolves. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#watcher?.close();
    this.#watcher = undefined;
    await this.#reloading;
  }

  #schedule(): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#startReload(), this.#debounceMs);
  }

  #startReload(): void {
    this.#timer = undefined;
    if (this.#closed) return;
    // One reload at a time; events during a reload cause exactly one more.
    if (this.#reloading !== undefined) {
      this.#reloadAgain = true;
      return;
    }
    this.#reloading = (async () => {
      do {
        this.#reloadAgain = false;
        await this.#reload();
      } while (this.#reloadAgain && !this.#closed);
    })().finally(() => {
      this.#reloading = undefined;
    });
  }

  async #read(): Promise<string> {
    try {
      return await readFile(this.#filePath, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      throw new ConfigError([{ path: '', message: `cannot read the file (${code})` }], { source: this.#filePath });
    }
  }

  async #reload(): Promise<void> {
    let text: string;
    try {
      text = await this.#read();
    } catch (error) {
      // Forget the last text so that the file reappearing unchanged is read again.
      this.#lastText = undefined;
      this.#reportInvalid(error as Error);
      return;
    }
    if (this.#closed || text === this.#lastText) return;
    this.#lastText = text;
    let config: GatewayConfig;
    try {
      config = parseGatewayConfig(text, this.#env, { source: this.#filePath });
    } catch (error) {
      this.#reportInvalid(error as Error);
      return;
    }
    const next = fingerprint(config);
    if (next === this.#currentFingerprint) return;
    this.#current = config;
    this.#currentFingerprint = next;
    try {
      this.#handlers.onChange(config);
    } catch (error) {
      this.#reportInvalid(error as Error);
    }
  }

  #reportInvalid(error: Error): void {
    if (this.#closed) return;
    this.#handlers.onInvalid(error);
  }
}
