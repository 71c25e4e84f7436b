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
});
