import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/monitor-error.js';
import type { MonitorConfig } from './monitor-config.js';
import { parseMonitorConfig } from './parse-monitor-config.js';
import { maximumLabelStopTimeoutSeconds, resolveContainerSettings } from './resolve-container-settings.js';

function configWith(text: string): MonitorConfig {
  return parseMonitorConfig({ text, env: {} });
}

function issuesOf(text: string): string[] {
  try {
    parseMonitorConfig({ text, env: {}, file: 'monitor.yaml' });
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => issue.message);
    throw error;
  }
  return [];
}

const resolve = (config: MonitorConfig, labels: Record<string, string>, name = 'app') =>
  resolveContainerSettings({ config, container: { name, labels } });

describe("monitoring.enable_label (another tool's opt-in label, e.g. autoheal)", () => {
  const labelled = configWith('monitoring:\n  discovery: labelled\n  enable_label: autoheal\n');

  it('selects a container labelled <label>=true under discovery: labelled, and no other', () => {
    expect(resolve(labelled, { autoheal: 'true' }).settings?.name).toBe('app');
    expect(resolve(labelled, { 'website-monitor.enable': 'true' }).settings?.name).toBe('app');
    expect(resolve(labelled, {}).settings).toBeNull();
    expect(resolve(labelled, { autoheal: 'false' }).settings).toBeNull();
  });

  it('opts a container out under discovery: all, as website-monitor.enable=false does; an opt-out wins', () => {
    const all = configWith('monitoring:\n  enable_label: autoheal\n');
    expect(resolve(all, {}).settings?.name).toBe('app');
    // autoheal itself skips `autoheal=False`.
    expect(resolve(all, { autoheal: 'False' }).settings).toBeNull();
    expect(resolve(all, { autoheal: 'true', 'website-monitor.enable': 'false' }).settings).toBeNull();
    expect(resolve(all, { autoheal: 'false', 'website-monitor.enable': 'true' }).settings).toBeNull();
  });

  it('is not read without the setting, and a bad value is an issue, not a selection', () => {
    const plain = configWith('monitoring:\n  discovery: labelled\n');
    expect(resolve(plain, { autoheal: 'true' }).settings).toBeNull();
    const { settings, issues } = resolve(labelled, { autoheal: 'sometimes' });
    expect(settings).toBeNull();
    expect(issues).toEqual(['container app: label autoheal=sometimes: expected true or false']);
  });

  it('rejects a value that is not a label name, naming the key', () => {
    expect(issuesOf('monitoring:\n  enable_label: "autoheal=true"\n')).toEqual([
      'expected a label name such as autoheal or com.example.heal ([A-Za-z0-9._/-])',
    ]);
  });
});

describe('per-container stop timeout', () => {
  const config = configWith(`healing:
  stop_timeout_seconds: 10
monitoring:
  containers:
    - name: slow
      stop_timeout_seconds: 45
`);

  it("is the file's healing.stop_timeout_seconds unless the entry or a label says otherwise", () => {
    expect(resolve(config, {}).settings?.stopTimeoutSeconds).toBe(10);
    expect(resolve(config, {}, 'slow').settings?.stopTimeoutSeconds).toBe(45);
    expect(
      resolve(config, { 'website-monitor.stop_timeout_seconds': '3' }, 'slow').settings?.stopTimeoutSeconds,
    ).toBe(3);
  });

  it("reads autoheal's autoheal.stop.timeout label, after ours", () => {
    expect(resolve(config, { 'autoheal.stop.timeout': '20' }).settings?.stopTimeoutSeconds).toBe(20);
    expect(
      resolve(config, { 'autoheal.stop.timeout': '20', 'website-monitor.stop_timeout_seconds': '4' }).settings
        ?.stopTimeoutSeconds,
    ).toBe(4);
    const bad = resolve(config, { 'autoheal.stop.timeout': 'soon' });
    expect(bad.settings?.stopTimeoutSeconds).toBe(10);
    expect(bad.issues).toEqual([
      'container app: label autoheal.stop.timeout=soon: expected a number of seconds, 0 or more',
    ]);
  });

  it(`holds a label to ${maximumLabelStopTimeoutSeconds} s (or the file's own when longer), saying so`, () => {
    const { settings, issues } = resolve(config, { 'autoheal.stop.timeout': '86400' });
    expect(settings?.stopTimeoutSeconds).toBe(maximumLabelStopTimeoutSeconds);
    expect(issues).toEqual([
      `container app: label autoheal.stop.timeout=86400: a label cannot ask for more than ${maximumLabelStopTimeoutSeconds} s; ${maximumLabelStopTimeoutSeconds} s used`,
    ]);
    const long = configWith('healing:\n  stop_timeout_seconds: 600\n');
    expect(resolve(long, { 'autoheal.stop.timeout': '500' }).settings?.stopTimeoutSeconds).toBe(500);
  });
});

describe('notifications.webhooks[].text_key', () => {
  it('is kept for a json webhook', () => {
    const config = configWith(`notifications:
  webhooks:
    - type: json
      url: http://127.0.0.1:9/hook
      text_key: content
`);
    expect(config.notifications.webhooks[0]?.textKey).toBe('content');
  });

  it("may not take one of the payload's own keys, nor be set on a slack webhook", () => {
    expect(
      issuesOf(
        'notifications:\n  webhooks:\n    - type: json\n      url: http://127.0.0.1:9/\n      text_key: incident\n',
      ),
    ).toEqual([expect.stringContaining("must not be one of the payload's own keys")]);
    expect(
      issuesOf(
        'notifications:\n  webhooks:\n    - type: slack\n      url: http://127.0.0.1:9/\n      text_key: text\n',
      ),
    ).toEqual(['text_key is for type: json (a slack webhook already sends text)']);
  });
});

describe('notifications.webhooks[].triggers', () => {
  it('is read as a list of problem kinds, and an unknown one is an error', () => {
    const config = configWith(
      'notifications:\n  webhooks:\n    - type: json\n      url: http://127.0.0.1:9/\n      triggers: [docker_unhealthy]\n',
    );
    expect(config.notifications.webhooks[0]?.triggers).toEqual(['docker_unhealthy']);
    expect(
      issuesOf(
        'notifications:\n  webhooks:\n    - type: json\n      url: http://127.0.0.1:9/\n      triggers: [unhealthy]\n',
      ),
    ).toEqual([expect.stringContaining('expected one of')]);
  });
});
