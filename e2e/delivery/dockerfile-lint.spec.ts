// The Dockerfile lint of `npm test`: every Dockerfile in the repository passes
// dockerfile-utils' validator and the project's image rules (support/dockerfile-policy.ts),
// and each rule is shown to fail on a Dockerfile that breaks it.
import { describe, expect, it } from '@jest/globals';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPOSITORY_ROOT } from '../../scripts/delivery/helm-binary';
import { DELIVERED_APPS } from '../../scripts/delivery/runtime-folder';
import { dockerfileStageNames, lintDockerfile, type DockerfileRule } from './support/dockerfile-policy';

/** Dockerfiles anywhere in the repository (outside installed and generated folders). */
async function dockerfilesIn(directory: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    if (['node_modules', '.git', 'dist', 'tmp', '.tools', '.nx'].includes(entry.name)) continue;
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) found.push(...(await dockerfilesIn(full)));
    else if (entry.name === 'Dockerfile' || entry.name.endsWith('.Dockerfile')) found.push(full);
  }
  return found;
}

const GOOD_RUNTIME = `FROM node:20.20-bookworm-slim AS build
RUN npm --version
FROM gcr.io/distroless/nodejs20-debian12:nonroot AS runtime
LABEL org.opencontainers.image.source="https://example.com/x" org.opencontainers.image.version="1" org.opencontainers.image.licenses="Apache-2.0"
USER 65532:65532
FROM runtime AS app
LABEL org.opencontainers.image.title="app"
COPY --from=build /etc/hostname /app/
ENTRYPOINT ["/nodejs/bin/node", "/app/main.js"]
`;

describe('the repository Dockerfiles', () => {
  it('publish one image per service from the root Dockerfile', async () => {
    const stages = dockerfileStageNames(await readFile(path.join(REPOSITORY_ROOT, 'Dockerfile'), 'utf8'));
    for (const app of DELIVERED_APPS) expect(stages).toContain(app);
  });

  it('build from a context without installed, built or host-only folders', async () => {
    const ignored = (await readFile(path.join(REPOSITORY_ROOT, '.dockerignore'), 'utf8')).split('\n').map((line) => line.trim());
    for (const folder of ['.git', '**/node_modules', 'dist', 'tmp', '.tools', '.nx']) expect(ignored).toContain(folder);
  });

  it('pass the validator and the image rules', async () => {
    const files = await dockerfilesIn(REPOSITORY_ROOT);
    expect(files.map((file) => path.relative(REPOSITORY_ROOT, file))).toContain('Dockerfile');
    const findings = [];
    for (const file of files) {
      const relative = path.relative(REPOSITORY_ROOT, file);
      const content = await readFile(file, 'utf8');
      findings.push(...lintDockerfile(content, { file: relative, ...(relative === 'Dockerfile' ? { publishedTargets: DELIVERED_APPS } : {}) }));
    }
    expect(findings).toEqual([]);
  });
});

describe('each image rule fails on a Dockerfile that breaks it', () => {
  it('accepts the well-formed fixture the others are made from', () => {
    expect(lintDockerfile(GOOD_RUNTIME, { file: 'fixture' })).toEqual([]);
  });

  it.each<[DockerfileRule, string]>([
    ['validator', GOOD_RUNTIME.replace('COPY --from=build', 'COPY --form=build')],
    ['validator', GOOD_RUNTIME.replace('FROM node:20.20-bookworm-slim AS build', 'FROM node:20.20-bookworm-slim AS build\nMAINTAINER someone@example.com')],
    ['pinned-base-image', GOOD_RUNTIME.replace('node:20.20-bookworm-slim', 'node')],
    ['pinned-base-image', GOOD_RUNTIME.replace('node:20.20-bookworm-slim', 'node:latest')],
    ['pinned-base-image', `ARG BASE\n${GOOD_RUNTIME.replace('FROM node:20.20-bookworm-slim', 'FROM ${BASE}')}`],
    ['no-add', GOOD_RUNTIME.replace('COPY --from=build /etc/hostname /app/', 'ADD https://example.com/tool.tar.gz /app/')],
    ['no-secret-in-image', GOOD_RUNTIME.replace('USER 65532:65532', 'ENV NPM_TOKEN=abc\nUSER 65532:65532')],
    ['no-secret-in-image', GOOD_RUNTIME.replace('RUN npm --version', 'ARG GITHUB_TOKEN\nRUN npm --version')],
    ['exec-form-entrypoint', GOOD_RUNTIME.replace('ENTRYPOINT ["/nodejs/bin/node", "/app/main.js"]', 'ENTRYPOINT /nodejs/bin/node /app/main.js')],
    ['numeric-non-root-user', GOOD_RUNTIME.replace('USER 65532:65532', 'USER nonroot')],
    ['numeric-non-root-user', GOOD_RUNTIME.replace('USER 65532:65532', 'USER 0')],
    ['numeric-non-root-user', GOOD_RUNTIME.replace('USER 65532:65532\n', '')],
    ['oci-labels', GOOD_RUNTIME.replace(' org.opencontainers.image.licenses="Apache-2.0"', '')],
  ])('%s', (rule, dockerfile) => {
    const findings = lintDockerfile(dockerfile, { file: 'fixture' });
    expect(findings.map((finding) => finding.rule)).toContain(rule);
    expect(findings.every((finding) => finding.line >= 1 && finding.message.length > 0)).toBe(true);
  });

  it('follows a target through the stages it builds on, so a later USER 0 counts', () => {
    const findings = lintDockerfile(`${GOOD_RUNTIME}FROM app AS debug\nUSER 0\n`, { file: 'fixture', publishedTargets: ['app', 'debug'] });
    expect(findings.map((finding) => `${finding.rule}:${finding.line}`)).toEqual(['numeric-non-root-user:11']);
  });
});
