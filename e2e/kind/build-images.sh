#!/usr/bin/env bash
# Builds the operator, broker and router images of this commit from the root Dockerfile and
# pushes them to the local registry.
source "$(dirname "$0")/lib.sh"

for service in operator broker router; do
  log "image ${service}"
  docker buildx build "$REPO_ROOT" \
    --file "$REPO_ROOT/Dockerfile" \
    --target "$service" \
    --build-arg VERSION="$IMAGE_TAG" \
    --tag "${HOST_REGISTRY}/mcp-gateway/${service}:${IMAGE_TAG}" \
    --load
  docker push "${HOST_REGISTRY}/mcp-gateway/${service}:${IMAGE_TAG}"
done
