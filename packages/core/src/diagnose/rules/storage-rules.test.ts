import { describe, expect, it } from 'vitest';
import { httpFailed, makeDiagnosisContext, stopped } from '../diagnosis-context-fixture.test-helper.js';
import {
  diskFullRule,
  permissionDeniedRule,
  readOnlyFilesystemRule,
  tooManyOpenFilesRule,
} from './storage-rules.js';

const exited = (exitCode: number, logTail: readonly string[] = []) =>
  makeDiagnosisContext({ problems: [stopped(exitCode)], metrics: { state: 'exited', exitCode }, logTail });
const answering500 = (logTail: readonly string[]) =>
  makeDiagnosisContext({ problems: [httpFailed(500)], metrics: { httpStatus: 500 }, logTail });

describe('permission_denied', () => {
  it.each([
    [
      "Error: EACCES: permission denied, open '/app/data/sessions.json'",
      'permission denied on /app/data/sessions.json (EACCES)',
    ],
    [
      'FATAL:  data directory "/var/lib/postgresql/data" has wrong ownership',
      '/var/lib/postgresql/data has wrong ownership',
    ],
    ['Error: listen EACCES: permission denied 0.0.0.0:80', 'permission denied binding port 80 (EACCES)'],
    ["chown: changing ownership of '/data': Operation not permitted", 'permission denied on /data (EPERM)'],
  ])('leaves "%s" to a person', (line, detail) => {
    const finding = permissionDeniedRule.match(exited(1, [line]));
    expect(finding).toMatchObject({
      cause: 'permission_denied',
      recommendedAction: 'manual',
      urgency: 'high',
      confidence: 75,
    });
    expect(finding?.diagnosis).toBe(`web crashed with exit code 1: ${detail}`);
  });

  it('explains a running service that fails, and ignores one that only has a memory finding', () => {
    const failing = answering500(["PermissionError: [Errno 13] Permission denied: '/data/uploads'"]);
    expect(permissionDeniedRule.match(failing)?.diagnosis).toBe(
      'web answers HTTP 500: permission denied on /data/uploads (EACCES)',
    );
    const memoryOnly = makeDiagnosisContext({
      problems: [{ kind: 'high_memory_usage', message: 'memory 95%' }],
      logTail: ['permission denied'],
    });
    expect(permissionDeniedRule.match(memoryOnly)).toBeUndefined();
  });
});

describe('read_only_filesystem', () => {
  it('leaves a read-only mount to a person, naming the path', () => {
    const finding = readOnlyFilesystemRule.match(
      exited(1, ["Error: EROFS: read-only file system, open '/app/logs/app.log'"]),
    );
    expect(finding).toMatchObject({
      cause: 'read_only_filesystem',
      recommendedAction: 'manual',
      urgency: 'high',
    });
    expect(finding?.diagnosis).toBe(
      'web crashed with exit code 1: read-only file system at /app/logs/app.log (EROFS)',
    );
  });
});

describe('disk_full', () => {
  it('recommends clear_cache for a running container, naming the file and the errno', () => {
    const finding = diskFullRule.match(
      answering500(['writing upload', 'Error: write /data/app.db: No space left on device']),
    );
    expect(finding).toMatchObject({
      cause: 'disk_full',
      recommendedAction: 'clear_cache',
      urgency: 'high',
      confidence: 75,
    });
    expect(finding?.diagnosis).toBe('web answers HTTP 500: disk full writing /data/app.db (ENOSPC)');
    expect(finding?.reasoning).toContain('"no space left on device" (line 2 of 2)');
  });

  it('asks a person for a stopped container: nothing can be cleared inside it and a restart keeps the full disk', () => {
    const finding = diskFullRule.match(
      exited(1, ['PANIC:  could not write to file "pg_wal/xlogtemp.35": No space left on device']),
    );
    expect(finding).toMatchObject({ cause: 'disk_full', recommendedAction: 'manual', urgency: 'high' });
    expect(finding?.diagnosis).toBe(
      'web crashed with exit code 1: disk full writing pg_wal/xlogtemp.35 (ENOSPC)',
    );
  });

  it('says a quota is a quota', () => {
    expect(diskFullRule.match(answering500(['write /data/x: disk quota exceeded']))?.diagnosis).toBe(
      'web answers HTTP 500: disk quota exceeded writing /data/x (EDQUOT)',
    );
  });
});

describe('too_many_open_files', () => {
  it('recommends a restart, which closes every descriptor', () => {
    const finding = tooManyOpenFilesRule.match(
      answering500([
        'http: Accept error: accept tcp [::]:8080: accept4: too many open files; retrying in 1s',
      ]),
    );
    expect(finding).toMatchObject({
      cause: 'too_many_open_files',
      recommendedAction: 'restart_container',
      urgency: 'high',
      confidence: 70,
      diagnosis: 'web answers HTTP 500: too many open files (EMFILE)',
    });
  });

  it('does not match ordinary logs', () => {
    expect(tooManyOpenFilesRule.match(answering500(['GET /files 200']))).toBeUndefined();
  });
});
