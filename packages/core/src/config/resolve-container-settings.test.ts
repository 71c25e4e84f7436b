import { describe, expect, it } from 'vitest';
import type { MonitorConfig } from './monitor-config.js';
import { parseMonitorConfig } from './parse-monitor-config.js';
import { resolveContainerSettings } from './resolve-container-settings.js';

function configWith(text: string): MonitorConfig {
  return parseMonitorConfig({ text, env: {} });
}

const listed = configWith(`monitoring:
  defaults:
    failure_threshold: 2
    cpu_percent_threshold: 85
  containers:
    - name: web
      health_endpoint: http://127.0.0.1:8080/health
      failure_threshold: 5
      memory_percent_threshold: null
      depends_on: [db]
    - name: old-batch
      ignore: true
`);

describe('resolveContainerSettings', () => {
  it('merges defaults, the container entry and labels, labels winning', () => {
    const { settings, issues } = resolveContainerSettings({
      config: listed,
      container: {
        name: '/web',
        labels: {
          'website-monitor.failure_threshold': '7',
          'website-monitor.expected_status': '200-204,404',
          'website-monitor.critical': 'true',
          'website-monitor.depends_on': 'db, cache',
          'com.example.other': 'ignored',
        },
      },
    });
    expect(issues).toEqual([]);
    expect(settings).toMatchObject({
      name: 'web',
      healthEndpoint: 'http://127.0.0.1:8080/health',
      failureThreshold: 7,
      expectedStatus: [200, 201, 202, 203, 204, 404],
      critical: true,
      dependsOn: ['db', 'cache'],
      // From defaults.
      successThreshold: 1,
      cpuPercentThreshold: 85,
      // Switched off by the entry, not inherited from the defaults' 90.
      memoryPercentThreshold: undefined,
    });
  });

  it('uses the entry over the defaults when no label says otherwise', () => {
    const { settings } = resolveContainerSettings({ config: listed, container: { name: 'web', labels: {} } });
    expect(settings?.failureThreshold).toBe(5);
    expect(settings?.dependsOn).toEqual(['db']);
  });

  it('gives an unlisted container the defaults when discovery is all', () => {
    const { settings } = resolveContainerSettings({
      config: listed,
      container: { name: 'cache', labels: {} },
    });
    expect(settings).toMatchObject({
      name: 'cache',
      failureThreshold: 2,
      healthEndpoint: undefined,
      dependsOn: [],
    });
  });

  it('lets labels switch a threshold off and set an endpoint', () => {
    const { settings } = resolveContainerSettings({
      config: listed,
      container: {
        name: 'api',
        labels: {
          'website-monitor.cpu_percent_threshold': 'off',
          'website-monitor.health_endpoint': 'https://127.0.0.1:8443/ready',
        },
        ports: [{ containerPort: 443, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 8443 }],
      },
    });
    expect(settings?.cpuPercentThreshold).toBeUndefined();
    expect(settings?.healthEndpoint).toBe('https://127.0.0.1:8443/ready');
  });

  it('excludes ignored and opted-out containers', () => {
    expect(
      resolveContainerSettings({ config: listed, container: { name: 'old-batch', labels: {} } }).settings,
    ).toBeNull();
    expect(
      resolveContainerSettings({
        config: listed,
        container: { name: 'old-batch', labels: { 'website-monitor.enable': 'true' } },
      }).settings,
    ).toBeNull();
    expect(
      resolveContainerSettings({
        config: listed,
        container: { name: 'web', labels: { 'website-monitor.enable': 'false' } },
      }).settings,
    ).toBeNull();
  });

  it('selects by discovery mode', () => {
    const onlyListed = configWith('monitoring:\n  discovery: listed\n  containers:\n    - name: web\n');
    const labelled = configWith('monitoring:\n  discovery: labelled\n  containers:\n    - name: web\n');
    const enabled = { 'website-monitor.enable': 'true' };

    expect(
      resolveContainerSettings({ config: onlyListed, container: { name: 'web', labels: {} } }).settings,
    ).not.toBeNull();
    expect(
      resolveContainerSettings({ config: onlyListed, container: { name: 'db', labels: enabled } }).settings,
    ).toBeNull();
    expect(
      resolveContainerSettings({ config: labelled, container: { name: 'web', labels: {} } }).settings,
    ).not.toBeNull();
    expect(
      resolveContainerSettings({ config: labelled, container: { name: 'db', labels: {} } }).settings,
    ).toBeNull();
    expect(
      resolveContainerSettings({ config: labelled, container: { name: 'db', labels: enabled } }).settings,
    ).not.toBeNull();
  });

  it('reports bad labels, ignores them and keeps the rest', () => {
    const { settings, issues } = resolveContainerSettings({
      config: listed,
      container: {
        name: 'web',
        labels: {
          'website-monitor.failure_threshold': 'abc',
          'website-monitor.memory_percent_threshold': '150',
          'website-monitor.enable': 'maybe',
          'website-monitor.health_endpoint': 'localhost/health',
          'website-monitor.depends_on': 'db,web',
          'website-monitor.auto_restrat': 'false',
          'website-monitor.critical': 'yes',
        },
      },
    });
    expect(issues).toEqual([
      'container web: unknown label website-monitor.auto_restrat (did you mean website-monitor.auto_restart?); ignored',
      'container web: label website-monitor.enable=maybe: expected true or false',
      'container web: label website-monitor.health_endpoint=localhost/health: expected an http:// or https:// URL',
      'container web: label website-monitor.depends_on=db,web: expected other containers (a container cannot depend on itself)',
      'container web: label website-monitor.failure_threshold=abc: expected a positive integer',
      'container web: label website-monitor.memory_percent_threshold=150: expected a percentage above 0 and up to 100, or "off"',
    ]);
    expect(settings).toMatchObject({
      failureThreshold: 5,
      memoryPercentThreshold: undefined,
      healthEndpoint: 'http://127.0.0.1:8080/health',
      dependsOn: ['db'],
      critical: true,
      autoRestart: true,
    });
  });

  describe('what a label may ask for (issue 10, item 4)', () => {
    const network = (ipAddress: string, aliases: string[] = []) => ({
      name: 'shop_default',
      networkId: 'n1',
      ipAddress,
      ipv6Address: '',
      aliases,
    });
    // The container `web`: 172.20.0.3 on its network, port 80 published on 127.0.0.1:18080 and on
    // every address at 18081.
    const web = (labels: Record<string, string>) => ({
      name: 'web',
      state: 'running' as const,
      labels,
      ports: [
        { containerPort: 80, protocol: 'tcp' as const, hostIp: '127.0.0.1', hostPort: 18080 },
        { containerPort: 81, protocol: 'tcp' as const, hostIp: '0.0.0.0', hostPort: 18081 },
      ],
      networks: [network('172.20.0.3', ['web', 'shop-web-1'])],
    });
    const endpoint = (url: string, config: MonitorConfig = listed) =>
      resolveContainerSettings({ config, container: web({ 'website-monitor.health_endpoint': url }) });

    it.each([
      ['http://172.20.0.3:8080/health', ['172.20.0.3']],
      ['http://127.0.0.1:18080/health', ['127.0.0.1']],
      ['http://localhost:18080/health', ['127.0.0.1']],
      ['http://127.0.0.1:18081/health', ['127.0.0.1']],
      ['http://web:8080/health', ['172.20.0.3']],
      ['http://SHOP-WEB-1/health', ['172.20.0.3']],
    ])('lets a label point the probe at the container itself: %s', (url, addresses) => {
      const { settings, issues } = endpoint(url);
      expect(issues).toEqual([]);
      expect(settings?.healthEndpoint).toBe(url);
      expect(settings?.healthEndpointGuard).toEqual({ url, addresses });
    });

    it.each([
      ['http://127.0.0.1:5432/', '127.0.0.1:5432 is not the container: it publishes no port 5432 there'],
      [
        'http://localhost:2375/containers/json',
        'localhost:2375 is not the container: it publishes no port 2375 there',
      ],
      ['http://[::1]:18080/', '[::1]:18080 is not the container: it publishes no port 18080 there'],
      [
        'http://169.254.169.254/latest/meta-data/',
        "169.254.169.254 is not one of the container's own addresses",
      ],
      ['http://[::ffff:169.254.169.254]/', "169.254.169.254 is not one of the container's own addresses"],
      ['http://172.20.0.4:8080/', "172.20.0.4 is not one of the container's own addresses"],
      ['http://0.0.0.0:18081/', "0.0.0.0 is not one of the container's own addresses"],
      [
        'http://metadata.google.internal/',
        'metadata.google.internal is not a name of the container (its container name or a network alias)',
      ],
      [
        'http://docker-socket-proxy:2375/',
        'docker-socket-proxy is not a name of the container (its container name or a network alias)',
      ],
    ])('refuses a label endpoint elsewhere, says why once, and falls back: %s', (url, reason) => {
      const { settings, issues } = endpoint(url);
      // `web` is listed with its own endpoint: the operator's file wins back.
      expect(settings?.healthEndpoint).toBe('http://127.0.0.1:8080/health');
      expect(settings?.healthEndpointGuard).toBeUndefined();
      expect(issues).toEqual([
        `container web: label website-monitor.health_endpoint=${url}: refused, ${reason} (a label may only point at the container itself unless monitoring.trust_labels is true); the configured endpoint is probed instead`,
      ]);
    });

    it('probes nothing when a refused label has no configured endpoint to fall back to', () => {
      const { settings, issues } = resolveContainerSettings({
        config: configWith('{}'),
        container: {
          ...web({ 'website-monitor.health_endpoint': 'http://169.254.169.254/' }),
          name: 'other',
        },
      });
      expect(settings?.healthEndpoint).toBeUndefined();
      expect(issues[0]).toMatch(/; no endpoint is probed$/);
    });

    it("never takes a link-local or loopback address a network claims for the container's own", () => {
      const { settings, issues } = resolveContainerSettings({
        config: configWith('{}'),
        container: {
          ...web({ 'website-monitor.health_endpoint': 'http://169.254.169.254/' }),
          networks: [network('169.254.169.254'), network('127.0.0.1')],
        },
      });
      expect(settings?.healthEndpoint).toBeUndefined();
      expect(issues).toHaveLength(1);
    });

    it('accepts a label of a container that is not running without a word: it has no address yet', () => {
      const { settings, issues } = resolveContainerSettings({
        config: listed,
        container: {
          ...web({ 'website-monitor.health_endpoint': 'http://172.20.0.3:8080/health' }),
          state: 'exited',
          networks: [network('')],
        },
      });
      expect(issues).toEqual([]);
      expect(settings?.healthEndpointGuard).toEqual({ url: 'http://172.20.0.3:8080/health', addresses: [] });
    });

    it('lets monitoring.trust_labels send the probe anywhere, unguarded', () => {
      const trusting = configWith('monitoring:\n  trust_labels: true\n');
      const { settings, issues } = endpoint('http://169.254.169.254/latest/meta-data/', trusting);
      expect(issues).toEqual([]);
      expect(settings?.healthEndpoint).toBe('http://169.254.169.254/latest/meta-data/');
      expect(settings?.healthEndpointGuard).toBeUndefined();
    });

    it("leaves the operator's own endpoints alone, wherever they point", () => {
      const config = configWith(`monitoring:
  containers:
    - name: web
      health_endpoint: http://169.254.169.254/latest/meta-data/
`);
      const { settings, issues } = resolveContainerSettings({ config, container: web({}) });
      expect(issues).toEqual([]);
      expect(settings?.healthEndpoint).toBe('http://169.254.169.254/latest/meta-data/');
      expect(settings?.healthEndpointGuard).toBeUndefined();
    });

    it('clamps a label interval below 1 s, and says so', () => {
      const { settings, issues } = resolveContainerSettings({
        config: configWith('{}'),
        container: web({
          'website-monitor.check_interval_seconds': '0.001',
          'website-monitor.probe_interval_seconds': '0.2',
          'website-monitor.confirm_interval_seconds': '0.01',
        }),
      });
      expect(settings).toMatchObject({
        checkIntervalSeconds: 1,
        probeIntervalSeconds: 1,
        // The file's own (default) confirmation interval is 0.5 s: a label may go that low, not lower.
        confirmIntervalSeconds: 0.5,
      });
      expect(issues).toEqual([
        'container web: label website-monitor.check_interval_seconds=0.001: a label cannot go below 1 s; 1 s used',
        'container web: label website-monitor.probe_interval_seconds=0.2: a label cannot go below 1 s; 1 s used',
        'container web: label website-monitor.confirm_interval_seconds=0.01: a label cannot go below 0.5 s; 0.5 s used',
      ]);
      const slower = resolveContainerSettings({
        config: configWith('{}'),
        container: web({ 'website-monitor.check_interval_seconds': '2.5' }),
      });
      expect(slower.issues).toEqual([]);
      expect(slower.settings?.checkIntervalSeconds).toBe(2.5);
    });

    it('clamps a label restart budget above the configured one, and lets it lower it', () => {
      const config = configWith(`monitoring:
  defaults:
    max_restarts_per_hour: 4
  containers:
    - name: web
      max_restarts_per_hour: 2
`);
      const raised = resolveContainerSettings({
        config,
        container: web({ 'website-monitor.max_restarts_per_hour': '1000' }),
      });
      expect(raised.settings?.maxRestartsPerHour).toBe(2);
      expect(raised.issues).toEqual([
        'container web: label website-monitor.max_restarts_per_hour=1000: a label cannot raise the configured budget of 2 restarts per hour; 2 used',
      ]);
      const lowered = resolveContainerSettings({
        config,
        container: web({ 'website-monitor.max_restarts_per_hour': '0' }),
      });
      expect(lowered.issues).toEqual([]);
      expect(lowered.settings?.maxRestartsPerHour).toBe(0);
    });

    it('quotes a huge label in a bounded line', () => {
      const { issues } = resolveContainerSettings({
        config: listed,
        container: web({
          'website-monitor.health_endpoint': `http://169.254.169.254/${'a'.repeat(512 * 1024)}`,
        }),
      });
      expect(issues).toHaveLength(1);
      expect(issues[0]!.length).toBeLessThan(600);
      expect(issues[0]).toContain('(524311 characters)');
    });
  });
});
