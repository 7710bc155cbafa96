// The little a store needs from a logger: a pino Logger fits. Stores log only connection
// state changes (lost, back), never per call, never session ids or credentials.

export interface StoreLogger {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
}
