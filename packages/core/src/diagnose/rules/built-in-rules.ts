import type { DiagnosisRule } from '../diagnosis-rule.js';
import { memoryLeakRule, responseTimeAnomalyRule } from './baseline-rules.js';
import {
  containerCrashRule,
  crashLoopRule,
  dockerUnhealthyRule,
  outOfMemoryRule,
} from './container-state-rules.js';
import { dependencyDownRule } from './dependency-rules.js';
import { healthyNowRule } from './healthy-now-rule.js';
import {
  errorStormRule,
  noResponseRule,
  rateLimitedRule,
  serverErrorRule,
  slowResponseRule,
} from './http-rules.js';
import { connectionExhaustionRule, diskFullRule } from './log-rules.js';
import { cpuRunawayRule, memoryPressureRule } from './resource-rules.js';
import { badConfigRule, portInUseRule } from './startup-rules.js';

/**
 * Most specific cause first, since the first match decides. A healthy container needs nothing,
 * whatever its logs say. A down dependency explains the app's failures; a configuration or port
 * error explains why it cannot start (and why it loops); a crash loop means restarting has already
 * failed; the kernel's OOM flag is more precise than a generic crash. Log patterns come before the
 * HTTP symptoms they explain; the general thresholds come before the learned (NESTED) findings.
 */
export const builtInDiagnosisRules: readonly DiagnosisRule[] = [
  healthyNowRule,
  dependencyDownRule,
  badConfigRule,
  portInUseRule,
  crashLoopRule,
  outOfMemoryRule,
  containerCrashRule,
  diskFullRule,
  connectionExhaustionRule,
  memoryPressureRule,
  memoryLeakRule,
  rateLimitedRule,
  errorStormRule,
  serverErrorRule,
  slowResponseRule,
  responseTimeAnomalyRule,
  noResponseRule,
  dockerUnhealthyRule,
  cpuRunawayRule,
];
