import { describe, expect, it } from 'vitest';
import {
  composeDependencyContainerNames,
  composeServiceContainers,
  dependenciesFromLabels,
} from './compose-dependencies.js';

const compose = (project: string, service: string, dependsOn?: string) => ({
  'com.docker.compose.project': project,
  'com.docker.compose.service': service,
  ...(dependsOn === undefined ? {} : { 'com.docker.compose.depends_on': dependsOn }),
});

describe('dependenciesFromLabels', () => {
  it('reads the current service:condition:restart format', () => {
    expect(
      dependenciesFromLabels(compose('shop', 'web', 'db:service_healthy:false,cache:service_started:true')),
    ).toEqual(['db', 'cache']);
  });

  it('reads the older formats and the empty label', () => {
    expect(dependenciesFromLabels(compose('shop', 'web', 'db,cache'))).toEqual(['db', 'cache']);
    expect(dependenciesFromLabels(compose('shop', 'web', 'db:service_started'))).toEqual(['db']);
    expect(dependenciesFromLabels(compose('shop', 'web', ''))).toEqual([]);
    expect(dependenciesFromLabels({})).toEqual([]);
  });
});

describe('composeDependencyContainerNames', () => {
  it('maps services to every container of that service in the same project', () => {
    const web = {
      name: '/shop-web-1',
      labels: compose('shop', 'web', 'db:service_healthy:true,cache:service_started:false'),
    };
    const containers = [
      web,
      { name: '/shop-db-1', labels: compose('shop', 'db', '') },
      { name: '/shop-cache-1', labels: compose('shop', 'cache') },
      { name: '/shop-cache-2', labels: compose('shop', 'cache') },
      { name: '/blog-db-1', labels: compose('blog', 'db') },
      { name: '/standalone', labels: {} },
    ];
    expect(composeDependencyContainerNames({ container: web, containers })).toEqual([
      'shop-db-1',
      'shop-cache-1',
      'shop-cache-2',
    ]);
  });

  it('finds nothing for a container outside Compose', () => {
    expect(composeDependencyContainerNames({ container: { name: 'x', labels: {} }, containers: [] })).toEqual(
      [],
    );
  });
});

describe('composeServiceContainers: who is the db of this app', () => {
  const project = (service: string, extra: Record<string, string> = {}) => ({
    ...compose('shop', service),
    'com.docker.compose.project.working_dir': '/srv/shop',
    'com.docker.compose.project.config_files': '/srv/shop/compose.yaml',
    ...extra,
  });
  const network = (name: string, aliases: string[], networkId = `${name}-id`) => ({
    name,
    networkId,
    ipAddress: '172.20.0.9',
    ipv6Address: '',
    aliases,
  });
  const app = {
    name: 'shop-web-1',
    labels: project('web', { 'com.docker.compose.depends_on': 'db:service_healthy:false' }),
  };
  const db = { name: 'shop-db-1', labels: project('db') };
  const names = (found: readonly { name: string }[]) => found.map((each) => each.name);

  it('ignores a stranger of the same project and service from another working directory', () => {
    const stranger = {
      name: 'stranger',
      labels: project('db', { 'com.docker.compose.project.working_dir': '/home/mallory' }),
    };
    expect(
      names(composeServiceContainers({ container: app, service: 'db', containers: [app, stranger, db] })),
    ).toEqual(['shop-db-1']);
    expect(composeDependencyContainerNames({ container: app, containers: [app, stranger, db] })).toEqual([
      'shop-db-1',
    ]);
  });

  it('ignores one with other Compose files, or with no working directory label when the app has one', () => {
    const otherFiles = {
      name: 'other-files',
      labels: project('db', { 'com.docker.compose.project.config_files': '/tmp/evil.yaml' }),
    };
    const unlabelled = { name: 'unlabelled', labels: compose('shop', 'db') };
    expect(
      names(
        composeServiceContainers({ container: app, service: 'db', containers: [otherFiles, unlabelled] }),
      ),
    ).toEqual([]);
  });

  it('ignores one-off run containers', () => {
    const oneOff = { name: 'shop-db-run-1', labels: project('db', { 'com.docker.compose.oneoff': 'True' }) };
    expect(
      names(composeServiceContainers({ container: app, service: 'db', containers: [oneOff, db] })),
    ).toEqual(['shop-db-1']);
  });

  it('prefers the container whose network namespace the app joins', () => {
    const twin = { name: 'twin', id: 'abcdef0123456789'.padEnd(64, '0'), labels: project('db') };
    const joiner = { ...app, networkMode: `container:${twin.id}` };
    expect(
      names(composeServiceContainers({ container: joiner, service: 'db', containers: [db, twin] })),
    ).toEqual(['twin']);
    const byName = { ...app, networkMode: 'container:shop-db-1' };
    expect(
      names(composeServiceContainers({ container: byName, service: 'db', containers: [twin, db] })),
    ).toEqual(['shop-db-1']);
  });

  it('prefers the container the app links to', () => {
    const twin = { name: 'twin', labels: project('db') };
    const linked = { ...app, links: ['/shop-db-1'] };
    expect(
      names(composeServiceContainers({ container: linked, service: 'db', containers: [twin, db] })),
    ).toEqual(['shop-db-1']);
  });

  it('prefers the container answering to the service name on a user-defined network the app is on', () => {
    const onAppNetwork = { ...db, networks: [network('shop_default', ['shop-db-1', 'db'])] };
    const elsewhere = { name: 'twin', labels: project('db'), networks: [network('other_net', ['db'])] };
    // The default bridge proves nothing: every container can be on it.
    const onBridge = { name: 'bridge-twin', labels: project('db'), networks: [network('bridge', ['db'])] };
    const appOnNetwork = { ...app, networks: [network('shop_default', ['web']), network('bridge', [])] };
    expect(
      names(
        composeServiceContainers({
          container: appOnNetwork,
          service: 'db',
          containers: [elsewhere, onBridge, onAppNetwork],
        }),
      ),
    ).toEqual(['shop-db-1']);
  });

  it('keeps every replica when nothing names one in particular', () => {
    const replica = { name: 'shop-db-2', labels: project('db') };
    expect(
      names(composeServiceContainers({ container: app, service: 'db', containers: [db, replica] })),
    ).toEqual(['shop-db-1', 'shop-db-2']);
  });

  it('finds nothing for a container outside Compose, whatever the others say', () => {
    expect(
      composeServiceContainers({ container: { name: 'plain', labels: {} }, service: 'db', containers: [db] }),
    ).toEqual([]);
  });
});
