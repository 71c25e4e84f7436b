import { describe, expect, it } from 'vitest';
import type { ContainerDetails } from '../domain/container.js';
import { FakeClock } from '../testing/fake-clock.js';
import { FakeContainerRuntime } from '../testing/fake-container-runtime.js';
import { createContainerRegistry } from './container-registry.js';

async function inspected(runtime: FakeContainerRuntime, name: string): Promise<ContainerDetails> {
  return runtime.inspect({ id: runtime.idOf(name) });
}

describe('ContainerRegistry.dependencyGraph', () => {
  it('is built once while nothing it reads changes, and again when something does', async () => {
    const runtime = new FakeContainerRuntime({ clock: new FakeClock() });
    const compose = (service: string, dependsOn = '') => ({
      'com.docker.compose.project': 'shop',
      'com.docker.compose.service': service,
      ...(dependsOn ? { 'com.docker.compose.depends_on': `${dependsOn}:service_started:false` } : {}),
    });
    runtime.addContainer({ name: 'db', labels: compose('db') });
    runtime.addContainer({ name: 'web', labels: compose('web', 'db') });
    const registry = createContainerRegistry();
    for (const name of ['db', 'web']) {
      registry.watchFor(runtime.idOf(name), name).details = await inspected(runtime, name);
    }
    const first = registry.dependencyGraph();
    expect(first.dependenciesOf('web')).toEqual(['db']);
    expect(registry.dependencyGraph()).toBe(first);

    // A crash brings fresh details with the same labels and networks: the same graph.
    runtime.crash('web');
    registry.get(runtime.idOf('web'))!.details = await inspected(runtime, 'web');
    expect(registry.dependencyGraph()).toBe(first);

    // Settings resolved afresh with the same depends_on, and an address that changed: the same graph.
    const webWatch = registry.get(runtime.idOf('web'))!;
    webWatch.settings = {
      ...(webWatch.settings ?? ({} as NonNullable<typeof webWatch.settings>)),
      dependsOn: [],
    };
    const withSettings = registry.dependencyGraph();
    webWatch.settings = { ...webWatch.settings, dependsOn: [] };
    expect(registry.dependencyGraph()).toBe(withSettings);
    const network = {
      name: 'shop_default',
      networkId: 'n1',
      ipAddress: '172.18.0.2',
      ipv6Address: '',
      aliases: ['web'],
    };
    webWatch.details = { ...webWatch.details!, networks: [network] };
    const withNetwork = registry.dependencyGraph();
    webWatch.details = { ...webWatch.details, networks: [{ ...network, ipAddress: '' }] };
    expect(registry.dependencyGraph()).toBe(withNetwork);
    webWatch.settings = { ...webWatch.settings, dependsOn: ['db'] };
    expect(registry.dependencyGraph()).not.toBe(withNetwork);
    webWatch.settings = { ...webWatch.settings, dependsOn: [] };

    // Labels that change what depends on what: rebuilt.
    const web = registry.get(runtime.idOf('web'))!;
    web.details = { ...web.details!, labels: compose('web') };
    const relabelled = registry.dependencyGraph();
    expect(relabelled).not.toBe(first);
    expect(relabelled.dependenciesOf('web')).toEqual([]);

    // A container that comes or goes: rebuilt.
    runtime.addContainer({ name: 'worker', labels: compose('worker', 'db') });
    registry.watchFor(runtime.idOf('worker'), 'worker').details = await inspected(runtime, 'worker');
    const grown = registry.dependencyGraph();
    expect(grown.dependenciesOf('worker')).toEqual(['db']);
    registry.remove(runtime.idOf('db'));
    expect(registry.dependencyGraph().dependenciesOf('worker')).toEqual([]);
  });
});

describe('ContainerRegistry.findByName', () => {
  it('follows renames, removals and new containers', () => {
    const registry = createContainerRegistry();
    const api = registry.watchFor('id-api', 'api');
    registry.watchFor('id-db', 'db');
    expect(registry.findByName('api')).toBe(api);
    expect(registry.findByName('cache')).toBeUndefined();

    // `docker rename api api-old`: the watch's name is set from its next inspect.
    api.name = 'api-old';
    expect(registry.findByName('api')).toBeUndefined();
    expect(registry.findByName('api-old')).toBe(api);

    // A new container takes the old name.
    const fresh = registry.watchFor('id-api-2', 'api');
    expect(registry.findByName('api')).toBe(fresh);

    registry.remove('id-api-2');
    expect(registry.findByName('api')).toBeUndefined();
    expect(registry.findByName('db')?.id).toBe('id-db');
  });

  it('keeps the first watch of a name while two share it (the old one is dropped at its destroy)', () => {
    const registry = createContainerRegistry();
    const old = registry.watchFor('id-1', 'web');
    expect(registry.findByName('web')).toBe(old);
    registry.watchFor('id-2', 'web');
    expect(registry.findByName('web')).toBe(old);
    registry.remove('id-1');
    expect(registry.findByName('web')?.id).toBe('id-2');
  });
});
