import { describe, expect, it } from 'vitest';
import { composeDependencyContainerNames, dependenciesFromLabels } from './compose-dependencies.js';

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
