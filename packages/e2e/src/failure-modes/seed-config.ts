/**
 * The configuration section of the seed (`website-monitor-agent.md`, "Configuration" and
 * "Custom Healing Strategies"), as its author wrote it: our parser accepts the seed's key names
 * as they are, `container_restart` included.
 */
export const seedConfigYaml = `monitoring:
  interval_seconds: 30  # How often to check
  health_check_timeout: 10  # HTTP timeout

  containers:
    - name: spartan-research-station
      health_endpoint: "http://localhost:8888/health"
      critical: true
      auto_restart: true
      max_restarts_per_hour: 3

healing:
  auto_heal_enabled: true

  auto_fix_actions:  # Done automatically
    - container_restart
    - clear_cache
    - reset_connections

  manual_approval_required:  # Requires user
    - database_migration
    - configuration_change

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

/**
 * The seed's config pointed at a test container: its one container entry names ours and its
 * endpoint our published port, and `discovery: listed` is added (the only added line) so the
 * agent leaves alone every other container on a shared test engine. Nothing else changes.
 */
export function seedConfigFor(options: {
  readonly containerName: string;
  readonly hostPort: number;
}): string {
  const replace = (text: string, from: string, to: string) => {
    if (!text.includes(from)) throw new Error(`the seed config no longer contains ${from}`);
    return text.replace(from, to);
  };
  let yaml = replace(seedConfigYaml, 'spartan-research-station', options.containerName);
  yaml = replace(yaml, 'http://localhost:8888/health', `http://localhost:${options.hostPort}/health`);
  return replace(
    yaml,
    '  health_check_timeout: 10  # HTTP timeout\n',
    '  health_check_timeout: 10  # HTTP timeout\n  discovery: listed\n',
  );
}
