#!/usr/bin/env bash
# The Gateway API CRDs and a Gateway implementation (Envoy Gateway, whose chart brings the
# standard Gateway API CRDs), a GatewayClass, and the Gateway the release notes' examples
# target: gateway-system/mcp-gateway with an `mcp` listener.
source "$(dirname "$0")/lib.sh"

log "Envoy Gateway ${ENVOY_GATEWAY_VERSION}"
helm upgrade --install eg oci://docker.io/envoyproxy/gateway-helm \
  --version "$ENVOY_GATEWAY_VERSION" \
  --namespace envoy-gateway-system --create-namespace \
  --wait --timeout 5m
kubectl wait --timeout=5m -n envoy-gateway-system deployment/envoy-gateway --for=condition=Available

log "GatewayClass, Gateway ${GATEWAY_NAMESPACE}/mcp-gateway and ReferenceGrant"
kubectl create namespace "$GATEWAY_NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
kubectl create namespace "$MCP_NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
kubectl apply -f "$KIND_E2E_DIR/manifests/gateway.yaml"
kubectl wait --timeout=5m -n "$GATEWAY_NAMESPACE" gateway/mcp-gateway --for=condition=Programmed
