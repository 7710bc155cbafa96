# syntax=docker/dockerfile:1
#
# The MCP Gateway's container images: one Dockerfile, one target per service.
#
#   docker buildx build --target operator -t ghcr.io/mcp-gateway/operator:dev .
#   docker buildx build --target broker   -t ghcr.io/mcp-gateway/broker:dev .
#   docker buildx build --target router   -t ghcr.io/mcp-gateway/router:dev .
#
# A runtime image holds /app and nothing else of ours: the service's esbuild bundle, the files
# it reads at run time and its production dependencies, pruned to what the bundle imports
# (scripts/delivery/runtime-folder.ts). e2e/delivery/runtime-image.spec.ts runs the same
# assemble + install commands as the `*-files` stages below in a clean folder and starts each
# service from it, so a missing file or dependency fails `npm test`, not a cluster.
#
# Build stages run on the builder's own platform (the output is JavaScript; the production
# dependencies carry no native code, which that spec also checks), so arm64 images need no
# emulated npm. Only the runtime stages take the target platform's base image.

ARG BUILD_IMAGE=node:20.20-bookworm-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs20-debian12:nonroot

# Every workspace's package.json and the lock, nothing else: the dependency layer below is
# reused until one of them changes.
FROM --platform=$BUILDPLATFORM ${BUILD_IMAGE} AS manifests
WORKDIR /workspace
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json -delete \
 && find . -mindepth 1 -type d -empty -delete

FROM --platform=$BUILDPLATFORM ${BUILD_IMAGE} AS dependencies
WORKDIR /workspace
ENV NX_DAEMON=false NX_NO_CLOUD=true CI=true
COPY --from=manifests /workspace/ ./
RUN --mount=type=cache,id=mcp-gateway-npm,target=/root/.npm,sharing=locked \
    npm ci --no-audit --no-fund

# Bundles the three services with Nx (each app's build target runs scripts/build-app.mjs).
FROM dependencies AS build
COPY . .
RUN npx nx run-many --targets=build --projects=operator,broker,router --outputStyle=static

FROM build AS operator-files
RUN node --import tsx scripts/delivery/assemble-runtime.ts operator /runtime
WORKDIR /runtime
RUN --mount=type=cache,id=mcp-gateway-npm,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM build AS broker-files
RUN node --import tsx scripts/delivery/assemble-runtime.ts broker /runtime
WORKDIR /runtime
RUN --mount=type=cache,id=mcp-gateway-npm,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM build AS router-files
RUN node --import tsx scripts/delivery/assemble-runtime.ts router /runtime
WORKDIR /runtime
RUN --mount=type=cache,id=mcp-gateway-npm,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# Shared by the three images: distroless Node (no shell, no package manager), the numeric
# non-root user the operator's Deployments and the chart also set (65532), and files owned by
# root, so the process cannot change its own code and a read-only root filesystem works.
# Node is PID 1 and each service handles SIGTERM itself: it stops accepting work, closes its
# servers and connections, and exits 0 (no init process needed: it starts no children).
FROM ${RUNTIME_IMAGE} AS runtime
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG SOURCE=https://github.com/mcp-gateway/mcp-gateway
LABEL org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.vendor="MCP Gateway" \
      org.opencontainers.image.documentation="${SOURCE}/tree/main/docs/install/images.md"
ENV NODE_ENV=production
WORKDIR /app
USER 65532:65532

FROM runtime AS operator
LABEL org.opencontainers.image.title="mcp-gateway-operator" \
      org.opencontainers.image.description="Kubernetes operator for the MCP Gateway (mcp.kuadrant.io custom resources)"
COPY --from=operator-files /runtime/ /app/
# In a container the probe server must be reachable from the kubelet, not only on loopback.
ENV OPERATOR_HOST=0.0.0.0
EXPOSE 8081
ENTRYPOINT ["/nodejs/bin/node", "--enable-source-maps", "/app/main.js"]

FROM runtime AS broker
LABEL org.opencontainers.image.title="mcp-gateway-broker" \
      org.opencontainers.image.description="MCP Gateway broker: client sessions, aggregated lists, upstream connections, routing table"
COPY --from=broker-files /runtime/ /app/
ENV BROKER_HOST=0.0.0.0
EXPOSE 8081 50051
ENTRYPOINT ["/nodejs/bin/node", "--enable-source-maps", "/app/main.js"]

FROM runtime AS router
LABEL org.opencontainers.image.title="mcp-gateway-router" \
      org.opencontainers.image.description="MCP Gateway router: the data path that routes each MCP request to its upstream"
COPY --from=router-files /runtime/ /app/
ENV ROUTER_HOST=0.0.0.0
EXPOSE 8080
ENTRYPOINT ["/nodejs/bin/node", "--enable-source-maps", "/app/main.js"]
