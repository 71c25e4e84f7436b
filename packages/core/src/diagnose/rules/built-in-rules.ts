import type { DiagnosisRule } from '../diagnosis-rule.js';
import { memoryLeakRule, responseTimeAnomalyRule } from './baseline-rules.js';
import {
  containerCrashRule,
  crashLoopRule,
  dockerUnhealthyRule,
  outOfMemoryRule,
  segfaultRule,
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
import {
  connectionExhaustionRule,
  dependencyUnreachableRule,
  dnsFailureRule,
  logTimeoutRule,
  tlsFailureRule,
} from './network-rules.js';
import { cpuRunawayRule, memoryPressureRule } from './resource-rules.js';
import { missingBinaryRule, missingConfigRule, portInUseRule } from './startup-rules.js';
import {
  diskFullRule,
  permissionDeniedRule,
  readOnlyFilesystemRule,
  tooManyOpenFilesRule,
} from './storage-rules.js';

/**
 * Most specific cause first, since the first match decides.
 *
 * - A healthy container needs nothing, whatever its logs say (so no log line can start an action).
 * - A declared dependency that is down explains the app's failure.
 * - Then the causes a restart cannot fix, read from the logs: a configuration, port or binary
 *   error explains why the container cannot start (and why it loops); permissions, a read-only or
 *   full disk, a name that does not resolve, a certificate, a dependency that refuses. They come
 *   before the crash loop: the loop is their symptom, and naming them is what a person needs.
 * - A crash loop means restarting has already failed: every cause below is one a restart fixes.
 * - Docker's OOM flag is more precise than the logs; the runtime's own "out of memory", a
 *   pool that is exhausted, descriptors used up and a segfault are more precise than a crash.
 * - The generic crash (exit code meaning and the first error line) closes the crashes.
 * - For a running service: timeouts in its logs before the HTTP symptoms they explain; the
 *   general thresholds before the learned (NESTED) findings.
 */
export const builtInDiagnosisRules: readonly DiagnosisRule[] = [
  healthyNowRule,
  dependencyDownRule,
  missingConfigRule,
  portInUseRule,
  missingBinaryRule,
  permissionDeniedRule,
  readOnlyFilesystemRule,
  diskFullRule,
  dnsFailureRule,
  tlsFailureRule,
  dependencyUnreachableRule,
  crashLoopRule,
  outOfMemoryRule,
  connectionExhaustionRule,
  tooManyOpenFilesRule,
  segfaultRule,
  containerCrashRule,
  memoryPressureRule,
  memoryLeakRule,
  logTimeoutRule,
  rateLimitedRule,
  errorStormRule,
  serverErrorRule,
  slowResponseRule,
  responseTimeAnomalyRule,
  noResponseRule,
  dockerUnhealthyRule,
  cpuRunawayRule,
];
