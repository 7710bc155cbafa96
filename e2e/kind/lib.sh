#!/usr/bin/env bash
# Shared settings of the kind suite, sourced by every script here. Everything can be
# overridden from the environment (versions, names, ports).
set -euo pipefail

KIND_E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$KIND_E2E_DIR/../.." && pwd)"
export KIND_E2E_DIR REPO_ROOT

CLUSTER_NAME="${CLUSTER_NAME:-mcp-gateway-e2e}"
# The local registry: pushed to from the host as localhost:$REGISTRY_PORT, pulled from inside
# the cluster as $REGISTRY_NAME:5000 (nodes resolve it on the kind network; containerd is told
# it speaks plain HTTP, see kind-config.yaml).
REGISTRY_NAME="${REGISTRY_NAME:-kind-registry}"
REGISTRY_PORT="${REGISTRY_PORT:-5001}"
HOST_REGISTRY="localhost:${REGISTRY_PORT}"
CLUSTER_REGISTRY="${REGISTRY_NAME}:5000"
IMAGE_TAG="${IMAGE_TAG:-e2e}"
ENVOY_GATEWAY_VERSION="${ENVOY_GATEWAY_VERSION:-v1.4.0}"
MCP_NAMESPACE="${MCP_NAMESPACE:-mcp-system}"
GATEWAY_NAMESPACE="${GATEWAY_NAMESPACE:-gateway-system}"
export CLUSTER_NAME REGISTRY_NAME REGISTRY_PORT HOST_REGISTRY CLUSTER_REGISTRY IMAGE_TAG ENVOY_GATEWAY_VERSION MCP_NAMESPACE GATEWAY_NAMESPACE

log() {
  printf '\n==> %s\n' "$*"
}

# cluster_image <service>: the image reference pods use.
cluster_image() {
  printf '%s/mcp-gateway/%s:%s' "$CLUSTER_REGISTRY" "$1" "$IMAGE_TAG"
}

# wait_for <description> <timeout-seconds> <command...>: retries a command until it succeeds.
wait_for() {
  local what="$1" timeout="$2"
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "timed out after ${timeout}s waiting for ${what}" >&2
      "$@" || true
      return 1
    fi
    sleep 3
  done
}
