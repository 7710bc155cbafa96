// Test-only: an in-memory Kubernetes API server over real HTTP, for specs that drive real
// clients (@kubernetes/client-node, kubectl) against it. Never imported by production code.
export { FakeKubeApiServer } from './fake-kube-api-server';
export type { FakeKubeApiServerOptions, RecordedRequest, RestartOptions } from './fake-kube-api-server';
export { kubeconfigYaml, writeKubeconfig } from './kubeconfig';
export type { KubeconfigOptions } from './kubeconfig';
export type { KubeUser, RequestAttributes } from './rbac-authorizer';
export { CelExpression, CelEvaluationError, CelSyntaxError } from './cel-expression';
