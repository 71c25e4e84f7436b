import type DockerodeClass from 'dockerode';
import { deferUnusedTransports } from './defer-unused-transports.js';

// Imported dynamically, after the hook is in place: a static `import` would be evaluated before
// this module's body (and a bundler hoists it above all bundled code), loading the transports
// eagerly anyway.
deferUnusedTransports();
const { default: Docker } = (await import('dockerode')) as { default: typeof DockerodeClass };

/** dockerode's client class, loaded with its unused transports deferred. */
export { Docker };
