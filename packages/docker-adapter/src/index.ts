export type { DockerEndpoint, ResolveDockerEndpointOptions } from './endpoint/resolve-docker-endpoint.js';
export { describeDockerEndpoint, resolveDockerEndpoint } from './endpoint/resolve-docker-endpoint.js';
export type { DockerodeClient, DockerRuntimeOptions } from './runtime/create-docker-runtime.js';
export { createDockerRuntime } from './runtime/create-docker-runtime.js';
export type { DockerSwarmServicesOptions } from './swarm/create-docker-swarm-services.js';
export { createDockerSwarmServices } from './swarm/create-docker-swarm-services.js';
