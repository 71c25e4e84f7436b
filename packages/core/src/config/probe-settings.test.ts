import { describe, expect, it } from 'vitest';
import { parseMonitorConfig, validateConfigText } from './parse-monitor-config.js';
import { resolveContainerSettings } from './resolve-container-settings.js';

// The probe's cadence: `probe_interval_seconds` and `confirm_interval_seconds` beside
// `check_interval_seconds`, in the defaults, per container and as labels.

describe('probe cadence settings', () => {
  it('defaults to a 3 s probe, 0.5 s confirmations and the 10 s check', () => {
    const config = parseMonitorConfig({ text: '', env: {} });
    expect(config.monitoring.defaults).toMatchObject({
      checkIntervalSeconds: 10,
      probeIntervalSeconds: 3,
      confirmIntervalSeconds: 0.5,
      failureThreshold: 3,
    });
  });

  it('reads them from the defaults, a container entry and labels, the label winning', () => {
    const config = parseMonitorConfig({
      env: {},
      text: `monitoring:
  defaults:
    probe_interval_seconds: 5
    confirm_interval_seconds: 1
  containers:
    - name: web
      probe_interval_seconds: 2
`,
    });
    expect(config.monitoring.defaults).toMatchObject({ probeIntervalSeconds: 5, confirmIntervalSeconds: 1 });
    const fromEntry = resolveContainerSettings({ config, container: { name: 'web', labels: {} } });
    expect(fromEntry.settings).toMatchObject({ probeIntervalSeconds: 2, confirmIntervalSeconds: 1 });
    const fromLabels = resolveContainerSettings({
      config,
      container: {
        name: 'web',
        labels: {
          'website-monitor.probe_interval_seconds': '4',
          // Not below 1 s: a label cannot make the agent probe faster than that (issue 10).
          'website-monitor.confirm_interval_seconds': '1.5',
        },
      },
    });
    expect(fromLabels.issues).toEqual([]);
    expect(fromLabels.settings).toMatchObject({ probeIntervalSeconds: 4, confirmIntervalSeconds: 1.5 });
  });

  it('refuses a zero or negative interval, in the file and in a label', () => {
    const result = validateConfigText({
      env: {},
      text: 'monitoring:\n  defaults:\n    confirm_interval_seconds: 0\n',
    });
    expect(result.ok).toBe(false);
    const { settings, issues } = resolveContainerSettings({
      config: parseMonitorConfig({ text: '', env: {} }),
      container: { name: 'web', labels: { 'website-monitor.probe_interval_seconds': '-1' } },
    });
    expect(issues).toEqual([
      'container web: label website-monitor.probe_interval_seconds=-1: expected a number of seconds above 0',
    ]);
    expect(settings?.probeIntervalSeconds).toBe(3);
  });
});
