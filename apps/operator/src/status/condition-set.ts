// Conditions as metav1.Condition wants them (Kubernetes API conventions, "Typical status
// properties"): one per type, `lastTransitionTime` moved only when `status` changes, and
// `observedGeneration` saying which spec the condition describes.
import type { Condition, ConditionStatus } from '@mcp-gateway/crd';

export interface DesiredCondition {
  readonly type: string;
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
}

export function rfc3339(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The conditions to write: `desired` (in its order), times kept where the status did not change. */
export function nextConditions(current: readonly Condition[] | undefined, desired: readonly DesiredCondition[], observedGeneration: number, now = new Date()): Condition[] {
  return desired.map((condition) => {
    const previous = current?.find((existing) => existing.type === condition.type);
    const lastTransitionTime = previous && previous.status === condition.status ? previous.lastTransitionTime : rfc3339(now);
    return { type: condition.type, status: condition.status, observedGeneration, lastTransitionTime, reason: condition.reason, message: condition.message };
  });
}

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((condition) => condition.type === type);
}
