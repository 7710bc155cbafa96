// Everything the benchmark starts (processes, servers, temp files) is registered here and
// closed in reverse order of creation: at the end of a scenario, at the end of the run, or
// on Ctrl-C. Closing never throws; failures are reported to the given callback.

export interface Closeable {
  close(): Promise<void>;
}

interface Entry {
  readonly name: string;
  readonly close: () => Promise<void>;
}

export class CleanupStack {
  private readonly entries: Entry[] = [];

  constructor(private readonly onError: (name: string, error: unknown) => void) {}

  /** Registers `close` and returns a function that runs it now (once) and unregisters it. */
  defer(name: string, close: () => Promise<void>): () => Promise<void> {
    const entry: Entry = { name, close };
    this.entries.push(entry);
    return async () => {
      const index = this.entries.indexOf(entry);
      if (index < 0) return;
      this.entries.splice(index, 1);
      await this.run(entry);
    };
  }

  async closeAll(): Promise<void> {
    for (let entry = this.entries.pop(); entry !== undefined; entry = this.entries.pop()) {
      await this.run(entry);
    }
  }

  private async run(entry: Entry): Promise<void> {
    try {
      await entry.close();
    } catch (error) {
      this.onError(entry.name, error);
    }
  }
}
