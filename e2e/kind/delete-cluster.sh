#!/usr/bin/env bash
# Deletes the kind cluster and the local registry container.
source "$(dirname "$0")/lib.sh"
kind delete cluster --name "$CLUSTER_NAME" || true
docker rm -f "$REGISTRY_NAME" >/dev/null 2>&1 || true
