#!/usr/bin/env bash
# Installs the CRDs and the operator with the repository's Helm chart, using the images built
# from this commit, then runs the chart's `helm test` (the operator answers /readyz).
source "$(dirname "$0")/lib.sh"

log "helm install mcp-gateway (chart ${REPO_ROOT}/charts/mcp-gateway)"
helm upgrade --install mcp-gateway "$REPO_ROOT/charts/mcp-gateway" \
  --namespace "$MCP_NAMESPACE" --create-namespace \
  --set images.operator.repository="${CLUSTER_REGISTRY}/mcp-gateway/operator" \
  --set images.operator.tag="$IMAGE_TAG" \
  --set images.broker.repository="${CLUSTER_REGISTRY}/mcp-gateway/broker" \
  --set images.broker.tag="$IMAGE_TAG" \
  --set images.router.repository="${CLUSTER_REGISTRY}/mcp-gateway/router" \
  --set images.router.tag="$IMAGE_TAG" \
  --set operator.logLevel=debug \
  --wait --timeout 5m
kubectl -n "$MCP_NAMESPACE" rollout status deployment/mcp-gateway-operator --timeout=3m
helm test mcp-gateway --namespace "$MCP_NAMESPACE" --timeout 3m --logs
