import type { DiagnosisRule } from '../diagnosis-rule.js';
import { readLogEvidence } from '../log-evidence.js';
import { isDown, isFailing, logFinding, quoteEvidence, subjectOf } from './rule-context.js';

/**
 * A host name that does not resolve: the dependency's container is gone or on another network, or
 * DNS itself fails. Restarting this container resolves the same name the same way.
 */
export const dnsFailureRule: DiagnosisRule = {
  name: 'dns_failure',
  match(context) {
    if (!isFailing(context)) return undefined;
    const finding = logFinding(context, 'dns_failure');
    if (finding === undefined) return undefined;
    const { host } = finding.facts;
    const { meaning, code } = finding.signature;
    return {
      cause: 'dns_failure',
      diagnosis: `${subjectOf(context)}: cannot resolve ${host === undefined ? 'a host name' : `the host name ${host}`} (${code ?? meaning ?? 'name resolution failed'})`,
      recommendedAction: 'check_dependencies',
      urgency: 'high',
      confidence: 70,
      reasoning: `${quoteEvidence(finding, readLogEvidence(context))}. The name of a service it needs does not resolve: that container is missing, renamed or on another network, or DNS fails. Restarting this one resolves the same name the same way; the dependency or the network must be fixed first.`,
    };
  },
};

/** A certificate that expired, is not trusted or does not match: only a new certificate or trust store helps. */
export const tlsFailureRule: DiagnosisRule = {
  name: 'tls_failure',
  match(context) {
    if (!isFailing(context)) return undefined;
    const finding = logFinding(context, 'tls_failure');
    if (finding === undefined) return undefined;
    const { address } = finding.facts;
    return {
      cause: 'tls_failure',
      diagnosis: `${subjectOf(context)}: TLS failure${address === undefined ? '' : ` with ${address}`}: ${finding.signature.meaning ?? 'certificate verification failed'}`,
      recommendedAction: 'manual',
      urgency: 'high',
      confidence: 70,
      reasoning: `${quoteEvidence(finding, readLogEvidence(context))}. A TLS connection fails on the certificate or the handshake; a restart presents the same certificate to the same peer. A person must renew or install the certificate, or fix the trust store.`,
    };
  },
};

/**
 * A refused, unroutable or silent connection in the logs of a failing container: the service it
 * needs is not there. For a crash, that refusal is why it crashed. Restarting this container
 * does not bring the dependency back: check it first. When every declared dependency is healthy
 * and the container still runs, what is left is usually a stale connection (the dependency moved
 * or restarted), which reconnecting from a fresh process clears.
 */
export const dependencyUnreachableRule: DiagnosisRule = {
  name: 'dependency_unreachable',
  match(context) {
    if (!isFailing(context)) return undefined;
    const finding = logFinding(context, 'dependency_unreachable');
    // A server that answers "too many clients" is reachable: exhaustion explains it better.
    if (finding === undefined || logFinding(context, 'connection_exhaustion') !== undefined) return undefined;
    const { address } = finding.facts;
    const meaning = finding.signature.meaning ?? 'connection refused';
    const quoted = quoteEvidence(finding, readLogEvidence(context));
    const declared = Object.keys(context.dependencies);
    const allHealthy =
      declared.length > 0 && Object.values(context.dependencies).every((state) => state === 'healthy');
    if (allHealthy && !isDown(context)) {
      return {
        cause: 'connection_exhaustion',
        diagnosis: `${subjectOf(context)}: stale connections, ${address === undefined ? 'a connection' : `connections to ${address}`} fail (${meaning}) while its dependencies are healthy`,
        recommendedAction: 'reset_connections',
        urgency: 'medium',
        confidence: 60,
        reasoning: `${quoted} while every declared dependency (${declared.join(', ')}) is healthy: the process most likely holds connections to an old address or a restarted server. Reconnecting from a fresh process clears them; if the target really is down, it will not.`,
      };
    }
    const recovered = allHealthy
      ? ` Its declared dependencies (${declared.join(', ')}) are healthy now, so it may start once they are confirmed.`
      : '';
    return {
      cause: 'dependency_unreachable',
      diagnosis: `${subjectOf(context)}: cannot reach its dependency${address === undefined ? '' : ` at ${address}`} (${meaning})`,
      recommendedAction: 'check_dependencies',
      urgency: 'high',
      confidence: isDown(context) ? 75 : 70,
      reasoning: `${quoted}: a service it needs does not answer. Restarting this container does not bring that service back and tends to loop; the dependency must be healthy first.${recovered}`,
    };
  },
};

/**
 * The server answers but has no connection to give: PostgreSQL's "too many clients", MySQL's
 * "Too many connections", Redis's maxclients, or the application's own pool timing out. Connections
 * held and not returned are freed when the process restarts.
 */
export const connectionExhaustionRule: DiagnosisRule = {
  name: 'connection_exhaustion',
  match(context) {
    if (!isFailing(context)) return undefined;
    const finding = logFinding(context, 'connection_exhaustion');
    if (finding === undefined) return undefined;
    return {
      cause: 'connection_exhaustion',
      diagnosis: `${subjectOf(context)}: connections exhausted, ${finding.signature.meaning ?? 'no free connection left'}`,
      recommendedAction: 'reset_connections',
      urgency: 'high',
      confidence: 80,
      reasoning: `${quoteEvidence(finding, readLogEvidence(context))}: connections are held and not returned. Restarting the container drops its pool and the server's slots are freed; if another client holds them, a person must look at it.`,
    };
  },
};

/**
 * A running service whose logs show requests timing out (nginx's upstream, a Go deadline, a
 * statement timeout): stuck workers or a saturated backend, which a restart usually clears.
 */
export const logTimeoutRule: DiagnosisRule = {
  name: 'log_timeout',
  match(context) {
    if (isDown(context) || !isFailing(context)) return undefined;
    const finding = logFinding(context, 'timeout');
    if (finding === undefined) return undefined;
    const { address } = finding.facts;
    return {
      cause: 'timeout',
      diagnosis: `${subjectOf(context)}: requests time out (${finding.signature.meaning ?? 'timed out'}${address === undefined ? '' : `, ${address}`})`,
      recommendedAction: 'restart_container',
      urgency: 'medium',
      confidence: 60,
      reasoning: `${quoteEvidence(finding, readLogEvidence(context))}. Requests wait until they time out: stuck workers or a saturated pool inside the process, which a restart clears. If the slow part is another service, it will come back.`,
    };
  },
};
