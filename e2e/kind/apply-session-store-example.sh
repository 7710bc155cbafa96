#!/usr/bin/env bash
# The release notes' second example: the same MCPGatewayExtension with a Redis session store.
# Deploys Redis and its Secret, applies the example unchanged, and waits for the broker and
# router to roll out with the connection string.
source "$(dirname "$0")/lib.sh"

log "Redis session store"
kubectl apply -f "$KIND_E2E_DIR/manifests/redis.yaml"
kubectl -n "$MCP_NAMESPACE" rollout status deployment/redis --timeout=3m

log "release notes example: MCPGatewayExtension with sessionStore"
kubectl apply -n "$MCP_NAMESPACE" -f "$KIND_E2E_DIR/manifests/release-notes-extension-session-store.yaml"
wait_for 'the broker to receive CACHE_CONNECTION_STRING' 180 \
  bash -c "kubectl -n '$MCP_NAMESPACE' get deployment/mcp-gateway-broker -o jsonpath='{.spec.template.spec.containers[0].env[*].name}' | grep -qw CACHE_CONNECTION_STRING"
kubectl -n "$MCP_NAMESPACE" rollout status deployment/mcp-gateway-broker --timeout=5m
kubectl -n "$MCP_NAMESPACE" rollout status deployment/mcp-gateway-router --timeout=5m
kubectl -n "$MCP_NAMESPACE" wait mcpgatewayextension/mcp-gateway --for=condition=Ready --timeout=5m
