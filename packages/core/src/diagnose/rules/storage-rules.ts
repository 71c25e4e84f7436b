import type { DiagnosisRule } from '../diagnosis-rule.js';
import { readLogEvidence } from '../log-evidence.js';
import { isFailing, logFinding, quoteEvidence, subjectOf } from './rule-context.js';

/**
 * A file or directory the process may not use: the owner or mode of a volume, a port below 1024
 * without the right, a file the image ships read-only. Permissions do not change on restart.
 */
export const permissionDeniedRule: DiagnosisRule = {
  name: 'permission_denied',
  match(context) {
    if (!isFailing(context)) return undefined;
    const finding = logFinding(context, 'permission_denied');
    if (finding === undefined) return undefined;
    const { path, port } = finding.facts;
    const { meaning, code } = finding.signature;
    const codeText = code === undefined ? '' : ` (${code})`;
    const detail =
      meaning !== undefined
        ? `${path ?? 'its data directory'} has ${meaning}`
        : port !== undefined
          ? `permission denied binding port ${port}${codeText}`
          : path !== undefined
            ? `permission denied on ${path}${codeText}`
            : `permission denied${codeText}`;
    return {
      cause: 'permission_denied',
      diagnosis: `${subjectOf(context)}: ${detail}`,
      recommendedAction: 'manual',
      urgency: 'high',
      confidence: 75,
      reasoning: `${quoteEvidence(finding, readLogEvidence(context))}. The process runs as a user that may not use this file, directory or port; a restart runs as the same user on the same files. A person must fix the ownership, the mode or the user.`,
    };
  },
};

/** A volume mounted read-only, or a file system the kernel remounted read-only after errors. */
export const readOnlyFilesystemRule: DiagnosisRule = {
  name: 'read_only_filesystem',
  match(context) {
    if (!isFailing(context)) return undefined;
    const finding = logFinding(context, 'read_only_filesystem');
    if (finding === undefined) return undefined;
    const { path } = finding.facts;
    return {
      cause: 'read_only_filesystem',
      diagnosis: `${subjectOf(context)}: read-only file system${path === undefined ? '' : ` at ${path}`} (EROFS)`,
      recommendedAction: 'manual',
      urgency: 'high',
      confidence: 75,
      reasoning: `${quoteEvidence(finding, readLogEvidence(context))}. The mount is read-only (\`:ro\`, \`read_only: true\`, or remounted after disk errors); a restart mounts it the same way. A person must change the mount or check the disk.`,
    };
  },
};

/**
 * No space left. `clear_cache` empties /tmp and /var/tmp inside a running container, which frees
 * space when temporary files filled it; a stopped one cannot run it, and a restart keeps the full
 * disk (a container's writable layer survives a restart), so a person must free space.
 */
export const diskFullRule: DiagnosisRule = {
  name: 'disk_full',
  match(context) {
    if (!isFailing(context)) return undefined;
    const finding = logFinding(context, 'disk_full');
    if (finding === undefined) return undefined;
    const { path } = finding.facts;
    const code = finding.signature.code ?? 'ENOSPC';
    const what = code === 'EDQUOT' ? 'disk quota exceeded' : 'disk full';
    const diagnosis = `${subjectOf(context)}: ${what}${path === undefined ? '' : ` writing ${path}`} (${code})`;
    const quoted = quoteEvidence(finding, readLogEvidence(context));
    if (context.verdict.metrics.state !== 'running') {
      return {
        cause: 'disk_full',
        diagnosis,
        recommendedAction: 'manual',
        urgency: 'high',
        confidence: 75,
        reasoning: `${quoted} and the container is not running, so nothing can be cleared inside it; a restart keeps the same full disk. A person must free space on the volume or the host.`,
      };
    }
    return {
      cause: 'disk_full',
      diagnosis,
      recommendedAction: 'clear_cache',
      urgency: 'high',
      confidence: 75,
      reasoning: `${quoted}. Emptying /tmp and /var/tmp frees space when temporary files filled it; if a volume is full, a person must free it. A restart would not free anything.`,
    };
  },
};

/**
 * File descriptors used up (errno 24): a leak or a low `ulimit -n`. A restart closes them all, so
 * it helps for a while; if it comes back, the limit or the leak needs a person.
 */
export const tooManyOpenFilesRule: DiagnosisRule = {
  name: 'too_many_open_files',
  match(context) {
    if (!isFailing(context)) return undefined;
    const finding = logFinding(context, 'too_many_open_files');
    if (finding === undefined) return undefined;
    return {
      cause: 'too_many_open_files',
      diagnosis: `${subjectOf(context)}: too many open files (${finding.signature.code ?? 'EMFILE'})`,
      recommendedAction: 'restart_container',
      urgency: 'high',
      confidence: 70,
      reasoning: `${quoteEvidence(finding, readLogEvidence(context))}. The process used up its file descriptors (a leak of sockets or files, or a low ulimit); a restart closes them all. If it recurs, raise the limit or find the leak.`,
    };
  },
};
