import type { DiagnosisRule } from '../diagnosis-rule.js';
import {
  containerCrashRule,
  crashLoopRule,
  dockerUnhealthyRule,
  outOfMemoryRule,
} from './container-state-rules.js';
import { dependencyDownRule } from './dependency-rules.js';
import { noResponseRule, rateLimitedRule, serverErrorRule, slowResponseRule } from './http-rules.js';
import { connectionExhaustionRule, diskFullRule } from './log-rules.js';
import { cpuRunawayRule, memoryPressureRule } from './resource-rules.js';

/**
 * Most specific cause first, since the first match decides: a down dependency explains the
 * app's failures, a crash loop means restarting has already failed, and the kernel's OOM flag is
 * more precise than a generic crash. Log patterns come before the HTTP symptoms they explain.
 */
export const builtInDiagnosisRules: readonly DiagnosisRule[] = [
  dependencyDownRule,
  crashLoopRule,
  outOfMemoryRule,
  containerCrashRule,
  diskFullRule,
  connectionExhaustionRule,
  memoryPressureRule,
  rateLimitedRule,
  serverErrorRule,
  slowResponseRule,
  noResponseRule,
  dockerUnhealthyRule,
  cpuRunawayRule,
];
