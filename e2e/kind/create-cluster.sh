#!/usr/bin/env bash
# Creates the kind cluster and a local registry reachable from the host (localhost:5001) and
# from the nodes (kind-registry:5000).
source "$(dirname "$0")/lib.sh"

log "local registry ${REGISTRY_NAME} on ${HOST_REGISTRY}"
if [ "$(docker inspect -f '{{.State.Running}}' "$REGISTRY_NAME" 2>/dev/null || true)" != 'true' ]; then
  docker run -d --restart=always -p "127.0.0.1:${REGISTRY_PORT}:5000" --network bridge --name "$REGISTRY_NAME" registry:2
fi

log "kind cluster ${CLUSTER_NAME}"
kind create cluster --name "$CLUSTER_NAME" --config "$KIND_E2E_DIR/kind-config.yaml" --wait 120s

# containerd on each node: both registry names lead to the registry container over HTTP.
for node in $(kind get nodes --name "$CLUSTER_NAME"); do
  for host in "$CLUSTER_REGISTRY" "$HOST_REGISTRY"; do
    docker exec "$node" mkdir -p "/etc/containerd/certs.d/${host}"
    printf '[host."http://%s:5000"]\n  capabilities = ["pull", "resolve"]\n  skip_verify = true\n' "$REGISTRY_NAME" |
      docker exec -i "$node" cp /dev/stdin "/etc/containerd/certs.d/${host}/hosts.toml"
  done
done
if [ "$(docker inspect -f '{{json .NetworkSettings.Networks.kind}}' "$REGISTRY_NAME")" = 'null' ]; then
  docker network connect kind "$REGISTRY_NAME"
fi

# The KEP-1755 ConfigMap that tells tools where the local registry is.
kubectl apply -f - <<YAML
apiVersion: v1
kind: ConfigMap
metadata:
  name: local-registry-hosting
  namespace: kube-public
data:
  localRegistryHosting.v1: |
    host: "${HOST_REGISTRY}"
    hostFromContainerRuntime: "${CLUSTER_REGISTRY}"
YAML
kubectl cluster-info
