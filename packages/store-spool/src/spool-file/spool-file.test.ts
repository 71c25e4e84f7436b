import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SpoolFile, spoolFormatVersion } from './spool-file.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wm-spool-file-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function entry(id: string, at: number) {
  return { recordId: id, host: 'h', containerName: 'web', at, payload: JSON.stringify({ id, at }) };
}

describe('SpoolFile', () => {
  it('keeps rows, their order and the drop counter across a reopen', () => {
    const path = join(dir, 'a.spool');
    const first = SpoolFile.open(path);
    first.appendHealthSamples([entry('s1', 1), entry('s2', 2), entry('s3', 3)], 100);
    const seq = first.appendMustKeep('incident', entry('i1', 4), 101, null);
    expect(first.dropOldestHealthSamples(1, 0)).toEqual({
      rows: 1,
      bytes: Buffer.byteLength(entry('s1', 1).payload),
    });
    first.close();

    const second = SpoolFile.open(path);
    expect(second.counts()).toMatchObject({ rows: 3, mustKeepRows: 1 });
    expect(second.droppedHealthSamples).toBe(1);
    expect(second.head(10).map((row) => [row.kind, JSON.parse(row.payload).id])).toEqual([
      ['health_sample', 's2'],
      ['health_sample', 's3'],
      ['incident', 'i1'],
    ]);
    expect(second.oldestSpooledAt()).toBe(100);
    second.remove(0, seq);
    expect(second.counts()).toEqual({ rows: 0, bytes: 0, mustKeepRows: 0 });
    expect(second.recentVersions('incident', 0).map((v) => JSON.parse(v.payload).id)).toEqual(['i1']);
    second.close();
  });

  it('never drops a must-keep row, even when asked for more bytes than the samples hold', () => {
    const spool = SpoolFile.open(join(dir, 'b.spool'));
    spool.appendMustKeep('healing_action', entry('a1', 1), 1, 10);
    spool.appendHealthSamples([entry('s1', 2)], 2);
    expect(spool.dropOldestHealthSamples(1_000_000, 0).rows).toBe(1);
    expect(spool.counts()).toMatchObject({ rows: 1, mustKeepRows: 1 });
    spool.close();
  });

  it('shrinks back once a large backlog is delivered and compacted', () => {
    const spool = SpoolFile.open(join(dir, 'c.spool'));
    const resting = spool.fileBytes();
    const big = Array.from({ length: 4000 }, (_, i) => ({ ...entry(`s${i}`, i), payload: 'x'.repeat(500) }));
    spool.appendHealthSamples(big, 1);
    const full = spool.fileBytes();
    expect(full).toBeGreaterThan(4000 * 500);
    spool.remove(0, Number.MAX_SAFE_INTEGER);
    spool.compact();
    expect(spool.fileBytes()).toBeLessThan(resting + 16 * 1024);
    spool.close();
  });

  it('explains in one line a file that is not a spool, or a spool of a newer format', () => {
    const notSqlite = join(dir, 'notes.txt');
    writeFileSync(notSqlite, 'x'.repeat(4096));
    expect(() => SpoolFile.open(notSqlite)).toThrow(
      /^cannot open spool file .*notes\.txt: file is not a database$/,
    );

    const newer = join(dir, 'newer.spool');
    SpoolFile.open(newer).close();
    const db = new DatabaseSync(newer);
    db.prepare(`UPDATE spool_meta SET value = '99' WHERE key = 'format'`).run();
    db.close();
    expect(() => SpoolFile.open(newer)).toThrow(
      `spool file ${newer} has format 99; this version reads format ${spoolFormatVersion}`,
    );
  });
});
