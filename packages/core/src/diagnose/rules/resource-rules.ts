import type { DiagnosisRule } from '../diagnosis-rule.js';

/** The seed's "memory > 90 % = memory pressure". */
export const memoryPressurePercent = 90;

export const memoryPressureRule: DiagnosisRule = {
  name: 'memory_pressure',
  match(context) {
    const percent = context.verdict.metrics.memoryPercent;
    const high = percent !== undefined && percent >= memoryPressurePercent;
    if (!high && !context.verdict.problems.some((problem) => problem.kind === 'high_memory_usage'))
      return undefined;
    const measured = percent === undefined ? 'above its threshold' : `at ${percent.toFixed(1)}% of its limit`;
    return {
      cause: 'memory_pressure',
      diagnosis: `Memory pressure: ${context.incident.containerName} is ${measured}`,
      recommendedAction: 'restart_if_above_threshold',
      urgency: 'high',
      confidence: 70,
      reasoning:
        'Close to the limit the kernel will OOM-kill the container; a restart frees the memory, and restarting only while it is still high spares a container that recovered.',
    };
  },
};

export const cpuRunawayRule: DiagnosisRule = {
  name: 'cpu_runaway',
  match(context) {
    if (!context.verdict.problems.some((problem) => problem.kind === 'high_cpu_usage')) return undefined;
    const percent = context.verdict.metrics.cpuPercent;
    return {
      cause: 'cpu_runaway',
      diagnosis: `High CPU in ${context.incident.containerName}${percent === undefined ? '' : ` (${percent.toFixed(0)}%)`}`,
      recommendedAction: 'restart_container',
      urgency: 'medium',
      // Busy is not broken: real load looks the same, so this stays below the default auto-act level.
      confidence: 50,
      reasoning:
        'CPU use is above its threshold. A runaway loop is cured by a restart, but heavy legitimate load is not, and the rules cannot tell them apart.',
    };
  },
};
