import type DockerodeClass from 'dockerode';
import { deferUnusedTransports } from './defer-unused-transports.js';

let loading: Promise<typeof DockerodeClass> | undefined;

/**
 * dockerode's client class, loaded at the first call with its unused transports deferred.
 *
 * Imported dynamically, after the hook is in place: a static `import` would be evaluated before
 * any code of this package (a bundler, tsup included, hoists it above all bundled code), loading
 * the transports eagerly anyway. And not with a top-level `await`: Node's require(esm), through
 * which a CommonJS project loads this package, refuses a module graph that has one.
 */
export function loadDockerode(): Promise<typeof DockerodeClass> {
  loading ??= (async () => {
    deferUnusedTransports();
    return ((await import('dockerode')) as { default: typeof DockerodeClass }).default;
  })();
  return loading;
}
