// The one error a configuration problem surfaces as. It lists every problem found, each
// with the path of the field in the file, so an operator fixes the file in one pass.
// Messages never repeat a field's value: values may be secrets (connection strings,
// credentials, signing keys).

export interface ConfigIssue {
  /** Where the problem is: `servers[1].url`, `logLevel (from LOG_LEVEL)`, `line 3, column 5`,
   * or `''` for the document as a whole. */
  readonly path: string;
  readonly message: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: ReadonlyArray<ConfigIssue>;
  /** The file the configuration came from, when it came from one. */
  readonly source: string | undefined;

  constructor(issues: ReadonlyArray<ConfigIssue>, options: { source?: string } = {}) {
    super(ConfigError.describe(issues, options.source));
    this.issues = Object.freeze(issues.map((issue) => Object.freeze({ ...issue })));
    this.source = options.source;
  }

  private static describe(issues: ReadonlyArray<ConfigIssue>, source: string | undefined): string {
    const where = source === undefined ? '' : ` in ${source}`;
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    const lines = issues.map((issue) => `  - ${issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`}`);
    return [`invalid gateway configuration${where} (${count}):`, ...lines].join('\n');
  }
}
