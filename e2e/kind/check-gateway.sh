#!/usr/bin/env bash
# Drives a real MCP client through the Gateway: port-forwards the Envoy proxy Service of
# gateway-system/mcp-gateway to 127.0.0.1 and runs mcp-smoke.ts against /mcp.
source "$(dirname "$0")/lib.sh"

LOCAL_PORT="${LOCAL_PORT:-8888}"
selector="gateway.envoyproxy.io/owning-gateway-name=mcp-gateway,gateway.envoyproxy.io/owning-gateway-namespace=${GATEWAY_NAMESPACE}"
wait_for 'the Envoy proxy Service of the Gateway' 180 \
  bash -c "kubectl -n envoy-gateway-system get service -l '$selector' -o name | grep -q ."
service="$(kubectl -n envoy-gateway-system get service -l "$selector" -o name | head -n1)"
kubectl -n envoy-gateway-system wait pod -l "$selector" --for=condition=Ready --timeout=3m

log "port-forward ${service} to 127.0.0.1:${LOCAL_PORT}"
kubectl -n envoy-gateway-system port-forward "$service" "${LOCAL_PORT}:80" --address 127.0.0.1 >/tmp/mcp-gateway-port-forward.log 2>&1 &
forward=$!
trap 'kill "$forward" 2>/dev/null || true' EXIT
wait_for 'the port-forward' 60 bash -c "exec 3<>/dev/tcp/127.0.0.1/${LOCAL_PORT}"

log "MCP client through the Gateway"
# The route may take a moment to be programmed into Envoy after the extension turns Ready.
attempt=1
until node --import tsx "$KIND_E2E_DIR/mcp-smoke.ts" "http://127.0.0.1:${LOCAL_PORT}/mcp"; do
  if ((attempt >= 10)); then
    echo 'the MCP client never got through the Gateway' >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep 6
done
