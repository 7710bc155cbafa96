// The container images of the components the operator deploys. OLM and Helm set them through
// RELATED_IMAGE_* environment variables (the OLM convention for disconnected installs);
// without them the operator uses the images released with it.

export interface ComponentImages {
  readonly broker: string;
  readonly router: string;
}

export const DEFAULT_COMPONENT_IMAGES: ComponentImages = Object.freeze({
  broker: 'ghcr.io/mcp-gateway/broker:0.1.0',
  router: 'ghcr.io/mcp-gateway/router:0.1.0',
});

export function componentImagesFromEnv(env: NodeJS.ProcessEnv): ComponentImages {
  return {
    broker: env['RELATED_IMAGE_BROKER'] || DEFAULT_COMPONENT_IMAGES.broker,
    router: env['RELATED_IMAGE_ROUTER'] || DEFAULT_COMPONENT_IMAGES.router,
  };
}
