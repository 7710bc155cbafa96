// The MCPGatewayExtensions currently in effect (Accepted=True for their current generation),
// as registrations and virtual servers see them.
import { ConditionType, type ResourceStatus } from '@mcp-gateway/crd';
import type { KubeObject } from '../kube/kube-object';
import { findCondition } from './condition-set';

export function isAccepted(extension: KubeObject): boolean {
  if (extension.metadata.deletionTimestamp !== undefined) return false;
  const status = (extension['status'] ?? {}) as ResourceStatus;
  const accepted = findCondition(status.conditions, ConditionType.Accepted);
  return accepted?.status === 'True' && status.observedGeneration === extension.metadata.generation;
}

export function readyMessage(extension: KubeObject): string {
  const status = (extension['status'] ?? {}) as ResourceStatus;
  const ready = findCondition(status.conditions, ConditionType.Ready);
  return ready === undefined ? 'not reconciled yet' : `${ready.reason}: ${ready.message}`;
}
