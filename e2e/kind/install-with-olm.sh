#!/usr/bin/env bash
# Installs OLM, then the operator from the repository's bundle with `operator-sdk run bundle`.
# The bundle is the committed one for package.json's version, with its image references
# pointed at the images built from this commit (the only change), built and pushed to the
# local registry.
source "$(dirname "$0")/lib.sh"

version="$(node -p "require('$REPO_ROOT/package.json').version")"
bundle_source="$REPO_ROOT/olm/bundles/$version"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

log "OLM"
operator-sdk olm install --timeout 5m

log "bundle ${version} with images from ${CLUSTER_REGISTRY}"
cp -r "$bundle_source/." "$work/"
for service in operator broker router; do
  sed -i "s#ghcr.io/mcp-gateway/${service}:${version}#$(cluster_image "$service")#g" "$work/manifests/mcp-gateway-operator.clusterserviceversion.yaml"
done
if grep -n 'ghcr.io/mcp-gateway/' "$work/manifests/mcp-gateway-operator.clusterserviceversion.yaml"; then
  echo 'the bundle still names released images; the e2e suite must run the images of this commit' >&2
  exit 1
fi
bundle_image="${HOST_REGISTRY}/mcp-gateway/operator-bundle:${IMAGE_TAG}"
docker build -f "$work/bundle.Dockerfile" -t "$bundle_image" "$work"
docker push "$bundle_image"

log "operator-sdk run bundle"
kubectl create namespace "$MCP_NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
operator-sdk run bundle "${CLUSTER_REGISTRY}/mcp-gateway/operator-bundle:${IMAGE_TAG}" \
  --namespace "$MCP_NAMESPACE" \
  --install-mode AllNamespaces \
  --use-http \
  --timeout 5m
wait_for 'the CSV to succeed' 300 \
  bash -c "kubectl -n '$MCP_NAMESPACE' get csv 'mcp-gateway-operator.v${version}' -o jsonpath='{.status.phase}' | grep -qx Succeeded"
kubectl -n "$MCP_NAMESPACE" rollout status deployment/mcp-gateway-operator --timeout=3m
