import { describe, expect, it } from 'vitest';
import { defaultMonitorConfig, swarmHealingOf } from '../config/default-monitor-config.js';
import { parseMonitorConfig, validateConfigText } from '../config/parse-monitor-config.js';

// `healing.swarm` and the two service actions in the config file (issue 12, item 3).

const seedHealing = `healing:
  auto_heal_enabled: true
  auto_fix_actions:
    - container_restart
    - clear_cache
    - reset_connections
  manual_approval_required:
    - database_migration
    - configuration_change
`;

describe('healing.swarm in config.yaml', () => {
  it('defaults: Swarm services watched, a failed update rolled back, a redeploy left to a person', () => {
    const { healing } = parseMonitorConfig({ text: '', env: {} });
    expect(healing.swarm).toEqual({
      enabled: true,
      taskFailures: 3,
      failureWindowSeconds: 300,
      recentUpdateSeconds: 3600,
      failedUpdate: ['rollback_service'],
      failingTasks: ['force_redeploy_service'],
    });
    expect(healing.autoFixActions).toContain('rollback_service');
    expect(healing.manualApprovalRequired).toContain('force_redeploy_service');
  });

  it('keeps the seed’s keys working as written: its allowlists name no service action', () => {
    const { healing } = parseMonitorConfig({ text: seedHealing, env: {} });
    expect(healing.autoFixActions).toEqual(['restart_container', 'clear_cache', 'reset_connections']);
    expect(healing.swarm?.failedUpdate).toEqual(['rollback_service']);
  });

  it('reads every key, and the service actions in the allowlists', () => {
    const { healing } = parseMonitorConfig({
      text: `healing:
  auto_fix_actions: [container_restart, rollback_service]
  manual_approval_required: [force_redeploy_service]
  swarm:
    enabled: false
    task_failures: 5
    failure_window_seconds: 120
    recent_update_seconds: 600
    failed_update: [rollback_service, force_redeploy_service]
    failing_tasks: []
`,
      env: {},
    });
    expect(healing.autoFixActions).toEqual(['restart_container', 'rollback_service']);
    expect(healing.swarm).toEqual({
      enabled: false,
      taskFailures: 5,
      failureWindowSeconds: 120,
      recentUpdateSeconds: 600,
      failedUpdate: ['rollback_service', 'force_redeploy_service'],
      failingTasks: [],
    });
  });

  it('says what is wrong, with the line: a container action in a service plan, a service action in a container plan', () => {
    const result = validateConfigText({
      text: `healing:
  swarm:
    failed_update: [restart_container]
    task_failures: 0
  strategies:
    crash_loop:
      - action: rollback_service
`,
      env: {},
    });
    expect(result.ok).toBe(false);
    const issues = result.issues.map((issue) => `${issue.path} (line ${issue.line}): ${issue.message}`);
    expect(issues.join('\n')).toContain('healing.swarm.failed_update[0] (line 3)');
    expect(issues.join('\n')).toContain('healing.swarm.task_failures (line 4)');
    expect(issues.join('\n')).toContain(
      'healing.strategies.crash_loop[0].action (line 7): rollback_service acts on a Swarm service, not on a container',
    );
  });

  it('gives the defaults for a config built by hand before healing.swarm existed', () => {
    const { swarm: _swarm, ...healing } = defaultMonitorConfig().healing;
    expect(swarmHealingOf(healing).failedUpdate).toEqual(['rollback_service']);
  });
});
