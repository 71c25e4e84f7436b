import { type ContainerRuntime, type Logger, parseMonitorConfig } from '@website-monitor/core';
import type { BenchContainer, BenchContainers } from './bench-containers.js';
import { detectionRows } from './detection-rows.js';
import { measureHttpDetection, oldProbeDefaults } from './http-detection.js';
import { measureProbeCpu } from './probe-cpu.js';
import type { ResultRow } from './report.js';

/**
 * Benchmarks 8 and 9: HTTP failures -> incident at the new and the old probe defaults, and the
 * CPU of probing `web` at both. Run by `pnpm bench` after the others, or alone with
 * `BENCH_ONLY=detection pnpm bench`.
 */
export async function runDetectionBenchmarks(options: {
  readonly samples: number;
  readonly watchSeconds: number;
  readonly prefix: string;
  readonly containers: BenchContainers;
  readonly runtime: ContainerRuntime;
  readonly logger: Logger;
  /** The staged CLI's launcher, for the CPU comparison. */
  readonly launcher: string;
  /** Running containers with HTTP endpoints, for the CPU comparison. */
  readonly web: readonly BenchContainer[];
  readonly progress: (line: string) => void;
}): Promise<{ rows: ResultRow[]; notes: string[] }> {
  // Healing is off for these agents, so every incident escalates by design: not an error here.
  const logger: Logger = {
    log(level, event, fields) {
      if (event !== 'incident_escalated') options.logger.log(level, event, fields);
    },
  };
  const detection = await measureHttpDetection({
    samples: options.samples,
    // ~27-37 s a sample at the old defaults: fewer of them, all switched within the same window.
    oldDefaultsSamples: Math.max(3, Math.round(options.samples / 2)),
    coldSamples: Math.max(3, Math.round(options.samples / 4)),
    prefix: options.prefix,
    containers: options.containers,
    runtime: options.runtime,
    logger,
    configFor: (entries, extra) =>
      parseMonitorConfig({
        text: JSON.stringify(configObject(entries, extra)),
        file: 'bench detection config',
      }),
    progress: options.progress,
  });

  options.progress(
    `probe CPU: two agent processes over ${options.web.length} containers for ${options.watchSeconds} s`,
  );
  const entries = options.web.map((container) => ({
    name: container.name,
    health_endpoint: container.url('/health'),
  }));
  const cpu = await measureProbeCpu({
    launcher: options.launcher,
    agentConfig: JSON.stringify(configObject(entries, {})),
    oldDefaultsConfig: JSON.stringify(configObject(entries, { monitoring: { defaults: oldProbeDefaults } })),
    seconds: options.watchSeconds,
    progress: options.progress,
  });
  return detectionRows({ detection, cpu, endpoints: options.web.length });
}

/** Listed containers only, so nothing else on the engine is touched; `extra` adds sections. */
function configObject(
  entries: readonly object[],
  extra: { readonly monitoring?: object; readonly healing?: object },
): object {
  return {
    ...extra,
    monitoring: { discovery: 'listed', ...extra.monitoring, containers: entries },
  };
}
