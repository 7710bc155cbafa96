#!/usr/bin/env bash
# The upstream MCP server, the release notes' first MCPGatewayExtension example applied
# unchanged (into mcp-system), and the registration of the upstream; waits until the
# operator reports both Ready.
source "$(dirname "$0")/lib.sh"

log "upstream MCP server (everything)"
kubectl apply -f "$KIND_E2E_DIR/manifests/everything-server.yaml"
kubectl -n "$MCP_NAMESPACE" rollout status deployment/everything --timeout=5m

log "release notes example: MCPGatewayExtension"
kubectl apply -n "$MCP_NAMESPACE" -f "$KIND_E2E_DIR/manifests/release-notes-extension.yaml"
kubectl apply -f "$KIND_E2E_DIR/manifests/registration.yaml"

wait_for 'the broker and router Deployments' 180 kubectl -n "$MCP_NAMESPACE" get deployment/mcp-gateway-broker deployment/mcp-gateway-router
kubectl -n "$MCP_NAMESPACE" rollout status deployment/mcp-gateway-broker --timeout=5m
kubectl -n "$MCP_NAMESPACE" rollout status deployment/mcp-gateway-router --timeout=5m
kubectl -n "$MCP_NAMESPACE" wait mcpgatewayextension/mcp-gateway --for=condition=Ready --timeout=5m
kubectl -n "$MCP_NAMESPACE" wait mcpserverregistration/everything --for=condition=Ready --timeout=5m
kubectl -n "$MCP_NAMESPACE" get mcpgatewayextensions,mcpserverregistrations,deployments,services,httproutes
