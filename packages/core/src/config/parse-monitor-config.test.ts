// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings test ${VAR} interpolation itself.
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../errors/monitor-error.js';
import { defaultMonitorConfig } from './default-monitor-config.js';
import { parseMonitorConfig, validateConfigText } from './parse-monitor-config.js';

const seed = `monitoring:
  interval_seconds: 30
  health_check_timeout: 10
  containers:
    - name: spartan-research-station
      health_endpoint: "http://localhost:8888/health"
      critical: true
      auto_restart: true
      max_restarts_per_hour: 3
healing:
  auto_heal_enabled: true
  auto_fix_actions: [container_restart, clear_cache, reset_connections]
  manual_approval_required: [database_migration, configuration_change]
  strategies:
    container_stopped:
      - action: restart_container
        max_attempts: 3
        backoff_seconds: 10
    high_memory_usage:
      - action: garbage_collection
      - action: restart_if_above_threshold
        threshold_percent: 90
    custom_error:
      - action: diagnose_with_claude
      - action: custom_script
        script: /app/scripts/custom_fix.sh
claude:
  enabled: true
  model: "claude-sonnet-4-5-20250929"
  use_for_diagnosis: true
`;

function issuesOf(
  text: string,
  options: { env?: Record<string, string>; knownActions?: string[] } = {},
): ConfigIssue[] {
  const result = validateConfigText({ text, env: options.env ?? {}, ...options });
  if (result.ok) throw new Error('expected the config to be rejected');
  return [...result.issues];
}

describe('parseMonitorConfig', () => {
  it('accepts the seed config and folds container_restart into restart_container', () => {
    const config = parseMonitorConfig({ text: seed, env: {} });

    expect(config.monitoring.intervalSeconds).toBe(30);
    expect(config.monitoring.healthCheckTimeoutSeconds).toBe(10);
    expect(config.monitoring.containers).toEqual([
      {
        name: 'spartan-research-station',
        healthEndpoint: 'http://localhost:8888/health',
        critical: true,
        autoRestart: true,
        maxRestartsPerHour: 3,
        dependsOn: [],
        ignore: false,
      },
    ]);
    expect(config.healing.autoFixActions).toEqual(['restart_container', 'clear_cache', 'reset_connections']);
    expect(config.healing.manualApprovalRequired).toEqual(['database_migration', 'configuration_change']);
    expect(config.healing.strategies.container_stopped).toEqual([
      {
        action: 'restart_container',
        maxAttempts: 3,
        backoffSeconds: 10,
        thresholdPercent: undefined,
        script: undefined,
        timeoutSeconds: undefined,
      },
    ]);
    expect(config.healing.strategies.high_memory_usage?.[1]).toMatchObject({
      action: 'restart_if_above_threshold',
      thresholdPercent: 90,
    });
    expect(config.healing.strategies.custom_error?.[1]).toMatchObject({
      action: 'custom_script',
      script: '/app/scripts/custom_fix.sh',
    });
    expect(config.claude).toEqual({
      enabled: true,
      model: 'claude-sonnet-4-5-20250929',
      useForDiagnosis: true,
      diagnosisWaitSeconds: 10,
    });
    // Keys the seed leaves out keep their defaults.
    expect(config.monitoring.discovery).toBe('all');
    expect(config.healing.minConfidence).toBe(60);
  });

  it('treats an empty file as the default config', () => {
    expect(parseMonitorConfig({ text: '', env: {} })).toEqual(defaultMonitorConfig());
    expect(parseMonitorConfig({ text: '# nothing yet\n', env: {} })).toEqual(defaultMonitorConfig());
    expect(parseMonitorConfig({ text: 'monitoring:\nhealing:\nclaude:\n', env: {} })).toEqual(
      defaultMonitorConfig(),
    );
  });

  it('fills the documented defaults', () => {
    const config = defaultMonitorConfig();
    expect(config.monitoring.defaults).toMatchObject({
      checkIntervalSeconds: 10,
      failureThreshold: 3,
      successThreshold: 1,
      startPeriodSeconds: 5,
      memoryPercentThreshold: 90,
      cpuPercentThreshold: undefined,
      responseTimeMsThreshold: 10_000,
      maxRestartsPerHour: 3,
      autoRestart: true,
      critical: false,
    });
    expect(config.monitoring.defaults.expectedStatus[0]).toBe(200);
    expect(config.monitoring.defaults.expectedStatus.at(-1)).toBe(399);
    expect(config.healing).toMatchObject({
      dryRun: false,
      stopTimeoutSeconds: 10,
      maxConcurrentRestarts: 2,
      stormConcurrentRestarts: 16,
      backoffInitialSeconds: 10,
      backoffMaxSeconds: 300,
      respectOperatorStops: true,
      restartDependents: false,
      restartPolicyGraceSeconds: 5,
    });
  });

  it('reads the extra keys and per-container overrides', () => {
    const config = parseMonitorConfig({
      env: {},
      text: `monitoring:
  discovery: labelled
  max_concurrent_checks: 4
  defaults:
    expected_status: [200, "300-302"]
    cpu_percent_threshold: 80
  containers:
    - name: web
      depends_on: [db]
      memory_percent_threshold: null
      expected_status: 204
    - name: db
      ignore: true
healing:
  dry_run: true
  min_confidence: 75
  strategies:
    container_stopped: []
`,
    });
    expect(config.monitoring.discovery).toBe('labelled');
    expect(config.monitoring.maxConcurrentChecks).toBe(4);
    expect(config.monitoring.defaults.expectedStatus).toEqual([200, 300, 301, 302]);
    expect(config.monitoring.defaults.cpuPercentThreshold).toBe(80);
    const [web, db] = config.monitoring.containers;
    expect(web?.dependsOn).toEqual(['db']);
    expect(web?.expectedStatus).toEqual([204]);
    // Present but undefined: switched off for this container, unlike an absent key.
    expect(Object.hasOwn(web ?? {}, 'memoryPercentThreshold')).toBe(true);
    expect(web?.memoryPercentThreshold).toBeUndefined();
    expect(Object.hasOwn(web ?? {}, 'cpuPercentThreshold')).toBe(false);
    expect(db?.ignore).toBe(true);
    expect(config.healing.dryRun).toBe(true);
    expect(config.healing.minConfidence).toBe(75);
    // A listed kind replaces its default; the others keep theirs.
    expect(config.healing.strategies.container_stopped).toEqual([]);
    expect(config.healing.strategies.oom_killed?.[0]?.action).toBe('restart_container');
  });

  it('follows YAML anchors and aliases', () => {
    const config = parseMonitorConfig({
      env: {},
      text: `healing:
  strategies:
    container_stopped: &restart
      - action: container_restart
        max_attempts: 2
    crash_loop: *restart
`,
    });
    expect(config.healing.strategies.crash_loop).toEqual(config.healing.strategies.container_stopped);
    expect(config.healing.strategies.crash_loop?.[0]).toMatchObject({
      action: 'restart_container',
      maxAttempts: 2,
    });
  });

  it('accepts actions registered by plugins', () => {
    const text = 'healing:\n  auto_fix_actions: [flush_redis]\n';
    expect(issuesOf(text)[0]?.message).toContain('unknown action "flush_redis"');
    expect(
      parseMonitorConfig({ text, env: {}, knownActions: ['flush_redis'] }).healing.autoFixActions,
    ).toEqual(['flush_redis']);
  });
});

describe('config issues carry the YAML path and line', () => {
  it('reports an unknown key at its own line', () => {
    expect(issuesOf('monitoring:\n  interval_seconds: 30\n  intervall_seconds: 5\n')).toEqual([
      {
        path: 'monitoring.intervall_seconds',
        line: 3,
        message: expect.stringContaining(
          'unknown key "intervall_seconds" (did you mean "interval_seconds"?)',
        ),
      },
    ]);
  });

  it('reports a wrong type', () => {
    expect(
      issuesOf('monitoring:\n  containers:\n    - name: web\n      max_restarts_per_hour: many\n'),
    ).toEqual([
      {
        path: 'monitoring.containers[0].max_restarts_per_hour',
        line: 4,
        message: 'expected a number, got "many"',
      },
    ]);
  });

  it('rejects zero and negative intervals and out-of-range percentages', () => {
    const issues = issuesOf(
      'monitoring:\n  interval_seconds: -5\n  health_check_timeout: 0\n  defaults:\n    memory_percent_threshold: 120\n',
    );
    expect(issues.map(({ path, line }) => ({ path, line }))).toEqual([
      { path: 'monitoring.interval_seconds', line: 2 },
      { path: 'monitoring.health_check_timeout', line: 3 },
      { path: 'monitoring.defaults.memory_percent_threshold', line: 5 },
    ]);
    expect(issues[0]?.message).toBe('must be greater than 0, got -5');
    expect(issues[2]?.message).toBe('must be at most 100, got 120');
  });

  it('reports a depends_on cycle once, at a depends_on line', () => {
    const issues = issuesOf(`monitoring:
  containers:
    - name: web
      depends_on: [api]
    - name: api
      depends_on:
        - db
    - name: db
      depends_on: [web]
`);
    expect(issues).toEqual([
      {
        path: 'monitoring.containers[0].depends_on',
        line: 4,
        message: 'depends_on cycle: web -> api -> db -> web',
      },
    ]);
  });

  it('reports a container depending on itself', () => {
    expect(issuesOf('monitoring:\n  containers:\n    - name: web\n      depends_on: [db, web]\n')).toEqual([
      { path: 'monitoring.containers[0].depends_on[1]', line: 4, message: '"web" depends on itself' },
    ]);
  });

  it('reports an unknown action with a suggestion, wherever actions are named', () => {
    const issues = issuesOf(`healing:
  auto_fix_actions: [restart_containr]
  manual_approval_required: [drop_database]
  strategies:
    crash_loop:
      - action: reboot_host
`);
    expect(issues.map(({ path, line }) => ({ path, line }))).toEqual([
      { path: 'healing.auto_fix_actions[0]', line: 2 },
      { path: 'healing.manual_approval_required[0]', line: 3 },
      { path: 'healing.strategies.crash_loop[0].action', line: 6 },
    ]);
    expect(issues[0]?.message).toMatch(
      /^unknown action "restart_containr" \(did you mean "restart_container"\?\); known: /,
    );
  });

  it('reports an unknown problem kind under strategies', () => {
    expect(issuesOf('healing:\n  strategies:\n    container_crashed: []\n')).toEqual([
      {
        path: 'healing.strategies.container_crashed',
        line: 3,
        message: expect.stringMatching(
          /^unknown problem kind "container_crashed".*known: container_stopped, /,
        ),
      },
    ]);
  });

  it('checks custom_script steps and health endpoints', () => {
    const issues = issuesOf(`monitoring:
  containers:
    - name: web
      health_endpoint: localhost:8080/health
healing:
  strategies:
    custom_error:
      - action: custom_script
      - action: custom_script
        script: fix.sh
      - action: clear_cache
        script: /app/fix.sh
`);
    expect(issues).toEqual([
      {
        path: 'monitoring.containers[0].health_endpoint',
        line: 4,
        message: 'expected an http:// or https:// URL, got "localhost:8080/health"',
      },
      {
        path: 'healing.strategies.custom_error[0].script',
        line: 8,
        message: 'custom_script needs `script`, an absolute path',
      },
      {
        path: 'healing.strategies.custom_error[1].script',
        line: 10,
        message: 'script must be an absolute path, got "fix.sh"',
      },
      {
        path: 'healing.strategies.custom_error[2].script',
        line: 12,
        message: 'only custom_script takes a script, not clear_cache',
      },
    ]);
  });

  it('reports a missing required key at the nearest existing node', () => {
    expect(issuesOf('monitoring:\n  containers:\n    - health_endpoint: http://127.0.0.1/\n')).toEqual([
      { path: 'monitoring.containers[0].name', line: 3, message: 'is required' },
    ]);
  });

  it('reports a duplicate container name at the second entry', () => {
    expect(
      issuesOf('monitoring:\n  containers:\n    - name: web\n    - name: db\n    - name: web\n'),
    ).toEqual([
      {
        path: 'monitoring.containers[2].name',
        line: 5,
        message: 'duplicate container name "web" (also monitoring.containers[0])',
      },
    ]);
  });

  it('turns YAML syntax errors into issues with a line', () => {
    const issues = issuesOf('monitoring:\n  interval_seconds: 30\n  containers: [web\nhealing: {}\n');
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]?.message).toMatch(/^YAML syntax error: /);
    expect(issues[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it('reports a duplicate key as a YAML error at its line', () => {
    const issues = issuesOf('claude:\n  enabled: true\n  enabled: false\n');
    expect(issues).toHaveLength(1);
    expect(issues[0]?.line).toBe(3);
  });

  it('rejects a top level that is not a mapping', () => {
    expect(issuesOf('- monitoring\n')).toEqual([
      {
        path: '',
        line: 1,
        message: 'expected a mapping with monitoring, healing, claude, storage and notifications',
      },
    ]);
  });

  it('collects every problem into one ConfigError', () => {
    const text = `monitoring:
  interval_seconds: 0
  discovery: some
  containers:
    - name: web
      failure_threshold: 1.5
    - name: web
healing:
  auto_fix_actions: [teleport]
  backoff_initial_seconds: 600
claude:
  modle: x
`;
    let error: unknown;
    try {
      parseMonitorConfig({ text, file: 'monitor.yaml', env: {} });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.file).toBe('monitor.yaml');
    expect(configError.issues.map(({ path, line }) => `${line} ${path}`)).toEqual([
      '2 monitoring.interval_seconds',
      '3 monitoring.discovery',
      '6 monitoring.containers[0].failure_threshold',
      '7 monitoring.containers[1].name',
      '9 healing.auto_fix_actions[0]',
      '10 healing.backoff_initial_seconds',
      '12 claude.modle',
    ]);
    expect(configError.message.split('\n')[1]).toBe(
      'monitor.yaml:3: monitoring.discovery: expected one of "all", "listed", "labelled", got "some"',
    );
    expect(configError.issues[2]?.message).toBe('expected an integer, got 1.5');
  });
});

describe('environment variables', () => {
  it('substitutes ${VAR} and ${VAR:-default} in values, typing unquoted results', () => {
    const config = parseMonitorConfig({
      env: { MODEL: 'claude-opus-4-1', PORT: '9000', EMPTY: '' },
      text: `monitoring:
  interval_seconds: \${INTERVAL:-15}
  containers:
    - name: web
      health_endpoint: "http://127.0.0.1:\${PORT}/health"
      auto_restart: \${AUTO:-false}
claude:
  model: \${MODEL}
  enabled: \${EMPTY:-true}
`,
    });
    expect(config.monitoring.intervalSeconds).toBe(15);
    expect(config.monitoring.containers[0]?.healthEndpoint).toBe('http://127.0.0.1:9000/health');
    expect(config.monitoring.containers[0]?.autoRestart).toBe(false);
    expect(config.claude.model).toBe('claude-opus-4-1');
    expect(config.claude.enabled).toBe(true);
  });

  it('keeps a quoted interpolated value a string', () => {
    expect(issuesOf('monitoring:\n  interval_seconds: "${I:-15}"\n')).toEqual([
      { path: 'monitoring.interval_seconds', line: 2, message: 'expected a number, got "15"' },
    ]);
  });

  it('reports a missing variable with path and line, once', () => {
    expect(issuesOf('claude:\n  enabled: true\n  model: ${CLAUDE_MODEL}\n')).toEqual([
      {
        path: 'claude.model',
        line: 3,
        message: 'environment variable ${CLAUDE_MODEL} is not set (give a default with ${NAME:-value})',
      },
    ]);
  });

  it('never interpolates keys', () => {
    expect(issuesOf('claude:\n  ${KEY}: true\n', { env: { KEY: 'enabled' } })).toEqual([
      { path: 'claude.${KEY}', line: 2, message: expect.stringContaining('unknown key "${KEY}"') },
    ]);
  });
});
