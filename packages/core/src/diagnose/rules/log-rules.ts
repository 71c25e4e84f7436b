import type { DiagnosisRule } from '../diagnosis-rule.js';
import { findLogPattern } from '../log-patterns.js';

const diskFullPatterns = ['no space left on device', 'enospc'] as const;
const poolExhaustedPatterns = [
  'too many clients',
  'too many connections',
  'remaining connection slots are reserved',
] as const;
const refusedPatterns = ['connection refused', 'econnrefused'] as const;

export const diskFullRule: DiagnosisRule = {
  name: 'disk_full',
  match(context) {
    // clear_cache runs inside the container, so it needs a running one; a stopped one is a crash first.
    if (context.verdict.metrics.state !== 'running') return undefined;
    const pattern = findLogPattern(context.logTail, diskFullPatterns);
    if (pattern === undefined) return undefined;
    return {
      diagnosis: `Disk full: ${context.incident.containerName} cannot write`,
      recommendedAction: 'clear_cache',
      urgency: 'high',
      confidence: 75,
      reasoning: `The log tail contains "${pattern}". Emptying /tmp and /var/tmp frees space when temporary files filled it; if a volume is full, a person must free it.`,
    };
  },
};

export const connectionExhaustionRule: DiagnosisRule = {
  name: 'connection_exhaustion',
  match(context) {
    const name = context.incident.containerName;
    const exhausted = findLogPattern(context.logTail, poolExhaustedPatterns);
    if (exhausted !== undefined) {
      return {
        diagnosis: `Connection pool exhausted in ${name}`,
        recommendedAction: 'reset_connections',
        urgency: 'high',
        confidence: 80,
        reasoning: `The log tail contains "${exhausted}": connections are held and not returned. Restarting the container drops its pool and the server's slots are freed.`,
      };
    }
    const refused = findLogPattern(context.logTail, refusedPatterns);
    if (refused === undefined) return undefined;
    return {
      diagnosis: `${name} cannot connect to a service it uses`,
      recommendedAction: 'reset_connections',
      urgency: 'medium',
      // Dependencies were checked by an earlier rule; what is left is often a stale connection or pool.
      confidence: 60,
      reasoning: `The log tail contains "${refused}" while no declared dependency is down. Reconnecting from a fresh process often clears stale connections; if the target really is down, it will not.`,
    };
  },
};
