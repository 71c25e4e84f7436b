import { describe, expect, it } from 'vitest';
import { composeLabels } from '../config/compose-dependencies.js';
import { cpuTimed } from '../internal/cpu-time.test-helper.js';
import { buildDependencyGraph, type DependencyGraphContainer } from './dependency-graph.js';

function container(
  name: string,
  options: Partial<Omit<DependencyGraphContainer, 'name'>> = {},
): DependencyGraphContainer {
  return {
    name,
    id: options.id ?? `${name.replace(/[^a-f0-9]/g, '').padEnd(12, '0')}${'f'.repeat(52)}`,
    dependsOn: options.dependsOn ?? [],
    labels: options.labels ?? {},
    networkMode: options.networkMode ?? 'bridge',
    ...(options.networks === undefined ? {} : { networks: options.networks }),
    ...(options.links === undefined ? {} : { links: options.links }),
  };
}

function composed(project: string, service: string, dependsOn?: string, extra: Record<string, string> = {}) {
  return {
    [composeLabels.project]: project,
    [composeLabels.service]: service,
    ...(dependsOn === undefined ? {} : { [composeLabels.dependsOn]: dependsOn }),
    ...extra,
  };
}

describe('buildDependencyGraph', () => {
  it('takes edges from config dependsOn by container name', () => {
    const graph = buildDependencyGraph({
      containers: [
        container('web', { dependsOn: ['api'] }),
        container('api', { dependsOn: ['db'] }),
        container('db'),
      ],
    });
    expect(graph.edges).toEqual([
      { from: 'web', to: 'api', source: 'depends_on' },
      { from: 'api', to: 'db', source: 'depends_on' },
    ]);
    expect(graph.directDependenciesOf('web')).toEqual(['api']);
    expect(graph.directDependentsOf('db')).toEqual(['api']);
  });

  it('reads both label formats: service:condition:restart and plain names', () => {
    const graph = buildDependencyGraph({
      containers: [
        container('p-new-1', {
          labels: composed('p', 'new', 'db:service_healthy:false, cache:service_started:true'),
        }),
        container('p-old-1', { labels: composed('p', 'old', 'db,cache') }),
        container('p-none-1', { labels: composed('p', 'none', '') }),
        container('p-db-1', { labels: composed('p', 'db') }),
        container('p-cache-1', { labels: composed('p', 'cache') }),
      ],
    });
    expect(graph.directDependenciesOf('p-new-1')).toEqual(['p-db-1', 'p-cache-1']);
    expect(graph.directDependenciesOf('p-old-1')).toEqual(['p-db-1', 'p-cache-1']);
    expect(graph.directDependenciesOf('p-none-1')).toEqual([]);
  });

  it('takes edges from the Compose depends_on label, within the same project only', () => {
    const graph = buildDependencyGraph({
      containers: [
        container('shop-web-1', {
          labels: composed('shop', 'web', 'db:service_healthy:false,cache:service_started:false'),
        }),
        container('shop-db-1', { labels: composed('shop', 'db', '') }),
        container('shop-cache-1', { labels: composed('shop', 'cache', '') }),
        container('blog-db-1', { labels: composed('blog', 'db', '') }),
      ],
    });
    expect(graph.directDependenciesOf('shop-web-1')).toEqual(['shop-db-1', 'shop-cache-1']);
    expect(graph.edges.every((edge) => edge.source === 'compose_label')).toBe(true);
    expect(graph.directDependentsOf('blog-db-1')).toEqual([]);
    expect(graph.unresolved).toEqual([]);
  });

  it('links to every replica of a scaled service but not to one-off run containers', () => {
    const graph = buildDependencyGraph({
      containers: [
        container('app-web-1', { labels: composed('app', 'web', 'worker:service_started:false') }),
        container('app-worker-1', { labels: composed('app', 'worker') }),
        container('app-worker-2', { labels: composed('app', 'worker') }),
        container('app-worker-run-abc', {
          labels: composed('app', 'worker', undefined, { 'com.docker.compose.oneoff': 'True' }),
        }),
      ],
    });
    expect(graph.directDependenciesOf('app-web-1')).toEqual(['app-worker-1', 'app-worker-2']);
  });

  it('resolves a config dependsOn naming a Compose service of the same project', () => {
    const graph = buildDependencyGraph({
      containers: [
        container('shop-web-1', { dependsOn: ['db'], labels: composed('shop', 'web') }),
        container('shop-db-1', { labels: composed('shop', 'db') }),
        container('blog-db-1', { labels: composed('blog', 'db') }),
      ],
    });
    expect(graph.directDependenciesOf('shop-web-1')).toEqual(['shop-db-1']);
  });

  it('takes edges from network_mode container:<id>, <id prefix> and <name>', () => {
    const vpnId = 'abcdef0123456789'.padEnd(64, '0');
    const graph = buildDependencyGraph({
      containers: [
        container('vpn', { id: vpnId }),
        container('torrent', { networkMode: `container:${vpnId}` }),
        container('indexer', { networkMode: `container:${vpnId.slice(0, 12)}` }),
        container('sidecar', { networkMode: 'container:vpn' }),
      ],
    });
    expect(graph.directDependentsOf('vpn')).toEqual(['torrent', 'indexer', 'sidecar']);
    expect(graph.edges.map((edge) => edge.source)).toEqual(['network_mode', 'network_mode', 'network_mode']);
    expect(graph.sharesNetworkWith('torrent')).toBe('vpn');
    expect(graph.sharesNetworkWith('vpn')).toBeUndefined();
    expect(graph.networkJoinersOf('vpn')).toEqual(['torrent', 'indexer', 'sidecar']);
  });

  it('accepts Compose network_mode service:<name> within the project', () => {
    const graph = buildDependencyGraph({
      containers: [
        container('media-vpn-1', { labels: composed('media', 'vpn') }),
        container('media-torrent-1', { labels: composed('media', 'torrent'), networkMode: 'service:vpn' }),
      ],
    });
    expect(graph.sharesNetworkWith('media-torrent-1')).toBe('media-vpn-1');
  });

  it('does not take a short hex fragment for an ID', () => {
    const graph = buildDependencyGraph({
      containers: [
        container('vpn', { id: 'abc'.padEnd(64, '1') }),
        container('app', { networkMode: 'container:abc' }),
      ],
    });
    expect(graph.sharesNetworkWith('app')).toBeUndefined();
    expect(graph.unresolved).toEqual([{ from: 'app', reference: 'container:abc', source: 'network_mode' }]);
  });

  it('ignores ordinary network modes', () => {
    const graph = buildDependencyGraph({
      containers: ['bridge', 'host', 'none', 'default', 'my-net'].map((mode) =>
        container(`c-${mode}`, { networkMode: mode }),
      ),
    });
    expect(graph.edges).toEqual([]);
    expect(graph.unresolved).toEqual([]);
  });

  it('reports references to unknown containers instead of failing', () => {
    const graph = buildDependencyGraph({
      containers: [
        container('web', { dependsOn: ['ghost'] }),
        container('shop-api-1', { labels: composed('shop', 'api', 'gone:service_started:false') }),
      ],
    });
    expect(graph.unresolved).toEqual([
      { from: 'web', reference: 'ghost', source: 'depends_on' },
      { from: 'shop-api-1', reference: 'gone', source: 'compose_label' },
    ]);
    expect(graph.dependenciesOf('web')).toEqual([]);
  });

  it('keeps one edge per source when two sources say the same thing', () => {
    const graph = buildDependencyGraph({
      containers: [
        container('shop-web-1', {
          dependsOn: ['shop-db-1', 'shop-db-1'],
          labels: composed('shop', 'web', 'db:service_started:false'),
        }),
        container('shop-db-1', { labels: composed('shop', 'db') }),
      ],
    });
    expect(graph.edges).toEqual([
      { from: 'shop-web-1', to: 'shop-db-1', source: 'depends_on' },
      { from: 'shop-web-1', to: 'shop-db-1', source: 'compose_label' },
    ]);
    expect(graph.directDependenciesOf('shop-web-1')).toEqual(['shop-db-1']);
  });

  describe("strangers with a Compose project's labels (issue 10)", () => {
    const checkout = (workingDir: string) => ({
      'com.docker.compose.project.working_dir': workingDir,
      'com.docker.compose.project.config_files': `${workingDir}/compose.yaml`,
    });
    const app = container('shop-web-1', {
      labels: composed('shop', 'web', 'db:service_healthy:false', checkout('/srv/shop')),
    });
    const db = container('shop-db-1', { labels: composed('shop', 'db', '', checkout('/srv/shop')) });

    it("does not take a container from another working directory for the app's dependency", () => {
      const stranger = container('stranger', {
        labels: composed('shop', 'db', '', checkout('/home/mallory')),
      });
      const graph = buildDependencyGraph({ containers: [app, stranger, db] });
      expect(graph.directDependenciesOf('shop-web-1')).toEqual(['shop-db-1']);
      expect(graph.directDependentsOf('stranger')).toEqual([]);
    });

    it('is unresolved (nothing to wait for) when only a stranger carries the service label', () => {
      const stranger = container('stranger', {
        labels: composed('shop', 'db', '', checkout('/home/mallory')),
      });
      const graph = buildDependencyGraph({ containers: [app, stranger] });
      expect(graph.dependenciesOf('shop-web-1')).toEqual([]);
      expect(graph.unresolved).toEqual([{ from: 'shop-web-1', reference: 'db', source: 'compose_label' }]);
    });

    it('applies the same matching to a config depends_on naming a service', () => {
      const configured = container('shop-web-1', {
        dependsOn: ['db'],
        labels: composed('shop', 'web', undefined, checkout('/srv/shop')),
      });
      const stranger = container('stranger', { labels: composed('shop', 'db', '', checkout('/tmp')) });
      const graph = buildDependencyGraph({ containers: [configured, stranger, db] });
      expect(graph.directDependenciesOf('shop-web-1')).toEqual(['shop-db-1']);
    });

    it("takes the one the app's network namespace names when copies of every label exist", () => {
      const twinId = 'abcdef0123456789'.padEnd(64, '0');
      const twin = container('twin', {
        id: twinId,
        labels: composed('shop', 'db', '', checkout('/srv/shop')),
      });
      const joiner = container('shop-web-1', {
        labels: composed('shop', 'web', 'db:service_healthy:false', checkout('/srv/shop')),
        networkMode: `container:${db.id}`,
      });
      const graph = buildDependencyGraph({ containers: [joiner, twin, db] });
      expect(graph.directDependenciesOf('shop-web-1')).toEqual(['shop-db-1']);
      expect(graph.directDependentsOf('twin')).toEqual([]);
    });

    it("takes the one answering to the service name on the app's network", () => {
      const net = (aliases: string[]) => [
        { name: 'shop_default', networkId: 'n1', ipAddress: '172.20.0.2', ipv6Address: '', aliases },
      ];
      const twin = container('twin', { labels: composed('shop', 'db', '', checkout('/srv/shop')) });
      const graph = buildDependencyGraph({
        containers: [
          container('shop-web-1', {
            labels: composed('shop', 'web', 'db:service_healthy:false', checkout('/srv/shop')),
            networks: net(['web']),
          }),
          twin,
          container('shop-db-1', {
            labels: composed('shop', 'db', '', checkout('/srv/shop')),
            networks: net(['shop-db-1', 'db']),
          }),
        ],
      });
      expect(graph.directDependenciesOf('shop-web-1')).toEqual(['shop-db-1']);
    });
  });

  describe('walks', () => {
    // web -> api -> db, web -> cache, api -> cache, worker -> db
    const graph = buildDependencyGraph({
      containers: [
        container('web', { dependsOn: ['api', 'cache'] }),
        container('api', { dependsOn: ['db', 'cache'] }),
        container('worker', { dependsOn: ['db'] }),
        container('db'),
        container('cache'),
      ],
    });

    it('lists transitive dependencies deepest first', () => {
      expect(graph.dependenciesOf('web')).toEqual(['db', 'cache', 'api']);
      expect(graph.dependenciesOf('db')).toEqual([]);
      expect(graph.dependenciesOf('unknown')).toEqual([]);
    });

    it('lists transitive dependents in the order to restart them', () => {
      expect(graph.dependentsOf('db')).toEqual(['api', 'web', 'worker']);
      expect(graph.dependentsOf('cache')).toEqual(['api', 'web']);
      expect(graph.dependentsOf('web')).toEqual([]);
    });

    it('orders a set for healing: dependencies before dependents, ties in the given order', () => {
      expect(graph.healingOrder(['web', 'worker', 'db', 'api'])).toEqual(['db', 'api', 'web', 'worker']);
      expect(graph.healingOrder(['worker', 'cache'])).toEqual(['worker', 'cache']);
      expect(graph.healingOrder([])).toEqual([]);
    });

    it('orders through containers not in the set', () => {
      // web needs db only through api, which is not being healed.
      expect(graph.healingOrder(['web', 'db'])).toEqual(['db', 'web']);
    });

    it('reports no cycles for an acyclic graph', () => {
      expect(graph.cycles).toEqual([]);
    });
  });

  describe('cycles', () => {
    it('reports a cycle from labels and still answers every walk', () => {
      const graph = buildDependencyGraph({
        containers: [
          container('p-a-1', { labels: composed('p', 'a', 'b:service_started:false') }),
          container('p-b-1', { labels: composed('p', 'b', 'c:service_started:false') }),
          container('p-c-1', { labels: composed('p', 'c', 'a:service_started:false') }),
          container('p-d-1', { labels: composed('p', 'd', 'a:service_started:false') }),
        ],
      });
      expect(graph.cycles).toEqual([['p-a-1', 'p-b-1', 'p-c-1']]);
      expect(graph.dependenciesOf('p-a-1')).toEqual(['p-c-1', 'p-b-1']);
      expect(graph.dependenciesOf('p-d-1')).toEqual(['p-c-1', 'p-b-1', 'p-a-1']);
      expect(new Set(graph.dependentsOf('p-a-1'))).toEqual(new Set(['p-b-1', 'p-c-1', 'p-d-1']));
      expect(graph.healingOrder(['p-d-1', 'p-a-1', 'p-b-1', 'p-c-1'])).toHaveLength(4);
      expect(graph.healingOrder(['p-d-1', 'p-a-1']).at(-1)).toBe('p-d-1');
    });

    it('reports a container that depends on itself', () => {
      const graph = buildDependencyGraph({
        containers: [container('loop', { dependsOn: ['loop'] }), container('ok')],
      });
      expect(graph.cycles).toEqual([['loop']]);
      expect(graph.dependenciesOf('loop')).toEqual([]);
      expect(graph.dependentsOf('loop')).toEqual([]);
    });

    it('reports two separate cycles', () => {
      const graph = buildDependencyGraph({
        containers: [
          container('a', { dependsOn: ['b'] }),
          container('b', { dependsOn: ['a'] }),
          container('c', { dependsOn: ['d'] }),
          container('d', { dependsOn: ['c'] }),
        ],
      });
      expect(graph.cycles).toEqual([
        ['a', 'b'],
        ['c', 'd'],
      ]);
    });

    it('handles a long chain without deep recursion trouble', () => {
      const count = 2000;
      const containers = Array.from({ length: count }, (_, index) =>
        container(`n${index}`, { dependsOn: index + 1 < count ? [`n${index + 1}`] : ['n0'] }),
      );
      const graph = buildDependencyGraph({ containers });
      expect(graph.cycles).toHaveLength(1);
      expect(graph.cycles[0]).toHaveLength(count);
    });
  });
});

describe('buildDependencyGraph with hostile labels', () => {
  it('reads a bounded part of a 512 KB depends_on label and stays fast', () => {
    const huge = Array.from({ length: 60_000 }, (_, index) => `s${index}:service_started:false`).join(',');
    const containers = Array.from({ length: 200 }, (_, index) =>
      container(`p-c${index}`, {
        labels: composed('p', `s${index}`, index === 0 ? huge.slice(0, 512 * 1024) : ''),
      }),
    );
    const { result: graph, ms: elapsedMs } = cpuTimed(() => buildDependencyGraph({ containers }));
    expect(graph.directDependenciesOf('p-c0').length).toBeLessThanOrEqual(64);
    expect(elapsedMs).toBeLessThan(200);
  });
});
