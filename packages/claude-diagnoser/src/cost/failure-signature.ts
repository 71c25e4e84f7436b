import type { DiagnosisContext } from '@website-monitor/core';

const errorLike = /\b(?:error|exception|fatal|panic|fail(?:ed|ure)?|killed|refused|denied|cannot|unable)\b/i;

/**
 * What makes two failures "the same" for the answer cache and for sharing one call: the image,
 * the trigger, the exit code, OOM, the problem kinds and the first error line with its volatile
 * parts (times, ids, addresses, counters) folded. Each turn of a crash loop hits the cache, and
 * replicas of one image failing the same way in a storm share one answer. The container's name is
 * left out on purpose (ten replicas are one question); without details about the container, its
 * name stands in for the image, so two unknown containers never share.
 */
export function failureSignature(context: DiagnosisContext): string {
  const { incident } = context;
  const firstError =
    context.errorLines?.find((line) => errorLike.test(line)) ??
    context.errorLines?.[0] ??
    context.logTail.find((line) => errorLike.test(line)) ??
    '';
  return JSON.stringify([
    incident.host,
    context.container?.image ? `image:${context.container.image}` : `container:${incident.containerName}`,
    incident.trigger,
    incident.exitCode ?? context.container?.exitCode ?? null,
    incident.oomKilled || context.container?.oomKilled === true,
    [...new Set(incident.problems.map((problem) => problem.kind))].sort(),
    normaliseLogLine(firstError),
  ]);
}

export function normaliseLogLine(line: string): string {
  return line
    .replace(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<time>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>')
    .replace(/\b0x[0-9a-f]+\b/gi, '<hex>')
    .replace(/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,}\b/gi, '<hex>')
    .replace(/\d+/g, '<n>')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}
