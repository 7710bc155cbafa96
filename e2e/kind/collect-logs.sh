#!/usr/bin/env bash
# Dumps what a failed run needs: the custom resources with their status, events, and the logs
# of the operator, the broker, the router, the upstream and Envoy Gateway.
source "$(dirname "$0")/lib.sh"
out="${1:-/tmp/kind-logs}"
mkdir -p "$out"
set +e
kubectl get all,mcpgatewayextensions,mcpserverregistrations,mcpvirtualservers,httproutes,gateways,referencegrants -A -o wide >"$out/objects.txt" 2>&1
kubectl get mcpgatewayextensions,mcpserverregistrations,httproutes,gateways -A -o yaml >"$out/resources.yaml" 2>&1
kubectl get events -A --sort-by=.lastTimestamp >"$out/events.txt" 2>&1
kubectl get csv,subscriptions,installplans,catalogsources -A -o yaml >"$out/olm.yaml" 2>&1
for deployment in mcp-gateway-operator mcp-gateway-broker mcp-gateway-router everything; do
  kubectl -n "$MCP_NAMESPACE" logs "deployment/${deployment}" --all-containers --tail=2000 >"$out/${deployment}.log" 2>&1
done
kubectl -n envoy-gateway-system logs deployment/envoy-gateway --tail=2000 >"$out/envoy-gateway.log" 2>&1
kind export logs "$out/kind" --name "$CLUSTER_NAME" >/dev/null 2>&1
echo "cluster state written to $out"
