// Counts failures and keeps a few distinct reasons, so a run that fails ten thousand times
// reports why without keeping ten thousand strings.

const MAX_DISTINCT_REASONS = 5;

export class ErrorTally {
  private total = 0;
  private readonly reasons = new Map<string, number>();

  record(reason: string): void {
    this.total++;
    // Request ids, ports and timings would make every reason distinct: fold them, keeping
    // short numbers such as HTTP statuses and JSON-RPC codes.
    const key = reason.replace(/"id":\s*\d+/g, '"id":N').replace(/\d{6,}/g, 'N').slice(0, 200);
    const seen = this.reasons.get(key);
    if (seen !== undefined) this.reasons.set(key, seen + 1);
    else if (this.reasons.size < MAX_DISTINCT_REASONS) this.reasons.set(key, 1);
  }

  get count(): number {
    return this.total;
  }

  samples(): string[] {
    return [...this.reasons].map(([reason, count]) => `${count}× ${reason}`);
  }
}
