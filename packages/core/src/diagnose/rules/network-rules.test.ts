import { describe, expect, it } from 'vitest';
import { httpFailed, makeDiagnosisContext, stopped } from '../diagnosis-context-fixture.test-helper.js';
import {
  connectionExhaustionRule,
  dependencyUnreachableRule,
  dnsFailureRule,
  logTimeoutRule,
  tlsFailureRule,
} from './network-rules.js';

const exited = (exitCode: number, logTail: readonly string[] = []) =>
  makeDiagnosisContext({ problems: [stopped(exitCode)], metrics: { state: 'exited', exitCode }, logTail });
const answering = (status: number, logTail: readonly string[], dependencies = {}) =>
  makeDiagnosisContext({
    problems: [httpFailed(status)],
    metrics: { httpStatus: status },
    logTail,
    dependencies,
  });

describe('dns_failure', () => {
  it.each([
    ['Error: getaddrinfo ENOTFOUND db', 'cannot resolve the host name db (ENOTFOUND)'],
    [
      'dial tcp: lookup postgres on 127.0.0.11:53: no such host',
      'cannot resolve the host name postgres (name not found)',
    ],
    [
      'socket.gaierror: [Errno -3] Temporary failure in name resolution',
      'cannot resolve a host name (temporary DNS failure)',
    ],
  ])('checks the dependency for "%s"', (line, detail) => {
    const finding = dnsFailureRule.match(exited(1, [line]));
    expect(finding).toMatchObject({
      cause: 'dns_failure',
      recommendedAction: 'check_dependencies',
      urgency: 'high',
    });
    expect(finding?.diagnosis).toBe(`web crashed with exit code 1: ${detail}`);
  });

  it('does not blame a lookup that later succeeded', () => {
    expect(
      dnsFailureRule.match(exited(1, ['getaddrinfo EAI_AGAIN db', 'connected to db:5432', 'TypeError: x'])),
    ).toBeUndefined();
  });
});

describe('tls_failure', () => {
  it.each([
    [
      'ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1006)',
      'certificate has expired',
    ],
    ['x509: certificate signed by unknown authority', 'certificate not trusted (unknown authority)'],
    ['javax.net.ssl.SSLHandshakeException: Received fatal alert: handshake_failure', 'TLS handshake failed'],
  ])('leaves "%s" to a person, saying what is wrong with the certificate', (line, meaning) => {
    const finding = tlsFailureRule.match(answering(502, [line]));
    expect(finding).toMatchObject({ cause: 'tls_failure', recommendedAction: 'manual', urgency: 'high' });
    expect(finding?.diagnosis).toBe(`web answers HTTP 502: TLS failure: ${meaning}`);
  });
});

describe('dependency_unreachable', () => {
  it.each([
    ['Error: connect ECONNREFUSED 127.0.0.1:5432', 'at 127.0.0.1:5432 (connection refused)'],
    [
      'psycopg2.OperationalError: connection to server at "db" (172.18.0.2), port 5432 failed: Connection refused',
      'at db:5432 (connection refused)',
    ],
    ['dial tcp 10.0.3.7:5432: connect: no route to host', 'at 10.0.3.7:5432 (no route to host)'],
    ['Error: connect ETIMEDOUT 10.0.3.7:5432', 'at 10.0.3.7:5432 (connection timed out)'],
    ['Caused by: java.net.ConnectException: Connection refused', '(connection refused)'],
  ])('names the refusal in a crash as its cause: "%s"', (line, detail) => {
    const finding = dependencyUnreachableRule.match(exited(1, [line]));
    expect(finding).toMatchObject({
      cause: 'dependency_unreachable',
      recommendedAction: 'check_dependencies',
      urgency: 'high',
      confidence: 75,
    });
    expect(finding?.diagnosis).toBe(`web crashed with exit code 1: cannot reach its dependency ${detail}`);
  });

  it('explains a running service that fails when nothing is declared', () => {
    const finding = dependencyUnreachableRule.match(
      answering(503, ['Error: connect EHOSTUNREACH 10.0.3.7:9200']),
    );
    expect(finding).toMatchObject({
      cause: 'dependency_unreachable',
      recommendedAction: 'check_dependencies',
      confidence: 70,
    });
  });

  it('calls it stale connections when the service runs and every declared dependency is healthy', () => {
    const finding = dependencyUnreachableRule.match(
      answering(503, ['redis: dial tcp 172.18.0.4:6379: connect: connection refused'], { redis: 'healthy' }),
    );
    expect(finding).toMatchObject({
      cause: 'connection_exhaustion',
      recommendedAction: 'reset_connections',
      urgency: 'medium',
      confidence: 60,
    });
    expect(finding?.diagnosis).toContain('stale connections');
  });

  it('says a crashed container may start now that its declared dependencies are healthy', () => {
    const context = makeDiagnosisContext({
      problems: [stopped(1)],
      metrics: { state: 'exited', exitCode: 1 },
      dependencies: { postgres: 'healthy' },
      logTail: ['Error: connect ECONNREFUSED 172.18.0.2:5432'],
    });
    const finding = dependencyUnreachableRule.match(context);
    expect(finding?.cause).toBe('dependency_unreachable');
    expect(finding?.reasoning).toContain('(postgres) are healthy now');
  });

  it('leaves a server that answers "too many clients" to connection exhaustion', () => {
    const tail = ['connect ECONNREFUSED 10.0.0.5:5432', 'FATAL:  sorry, too many clients already'];
    expect(dependencyUnreachableRule.match(answering(500, tail))).toBeUndefined();
  });
});

describe('connection_exhaustion', () => {
  it.each([
    ['FATAL:  sorry, too many clients already', 'the PostgreSQL server has no free connection slot'],
    ['ERROR 1040 (HY000): Too many connections', 'the database server has too many connections'],
    [
      'FATAL: remaining connection slots are reserved for non-replication superuser connections',
      'the PostgreSQL server has no free connection slot',
    ],
    ['ReplyError: ERR max number of clients reached', 'the Redis server reached its client limit'],
    [
      'HikariPool-1 - Connection is not available, request timed out after 30000ms.',
      'no free connection in its HikariCP pool',
    ],
  ])('recommends reset_connections with high confidence for "%s"', (line, meaning) => {
    const finding = connectionExhaustionRule.match(answering(500, [line]));
    expect(finding).toMatchObject({
      cause: 'connection_exhaustion',
      recommendedAction: 'reset_connections',
      urgency: 'high',
      confidence: 80,
    });
    expect(finding?.diagnosis).toBe(`web answers HTTP 500: connections exhausted, ${meaning}`);
  });

  it('does not match ordinary logs, or a refusal', () => {
    expect(connectionExhaustionRule.match(answering(500, ['GET /health 200 3ms']))).toBeUndefined();
    expect(
      connectionExhaustionRule.match(answering(500, ['connect ECONNREFUSED 127.0.0.1:5432'])),
    ).toBeUndefined();
  });
});

describe('log_timeout', () => {
  it('recommends a restart for requests that time out in a running service', () => {
    const line =
      'upstream timed out (110: Connection timed out) while reading response header from upstream, upstream: "http://127.0.0.1:9000/health"';
    const finding = logTimeoutRule.match(answering(504, [line]));
    expect(finding).toMatchObject({
      cause: 'timeout',
      recommendedAction: 'restart_container',
      urgency: 'medium',
    });
    expect(finding?.diagnosis).toBe(
      'web answers HTTP 504: requests time out (upstream timed out, 127.0.0.1:9000)',
    );
  });

  it('does not match a stopped container', () => {
    expect(logTimeoutRule.match(exited(1, ['context deadline exceeded']))).toBeUndefined();
  });
});
