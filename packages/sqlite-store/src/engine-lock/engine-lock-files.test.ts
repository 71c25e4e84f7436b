import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractLeaseHolder, engineLeaseContract } from '@website-monitor/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngineLockFiles } from './engine-lock-files.js';

const root = mkdtempSync(join(tmpdir(), 'wm-engine-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let directories = 0;
const freshDirectory = () => join(root, `dir-${directories++}`);

const shared = freshDirectory();
engineLeaseContract({
  name: 'host lock files (one directory, an instance per agent)',
  makeLeases: () => createEngineLockFiles({ directory: shared }),
  test: { describe, it, expect },
  // The kernel drops the lock with its process; there is no expiry to wait for.
  expires: false,
});

/**
 * Another process holding an engine's lock as an agent would: the exclusive transaction on the
 * lock file, and the note beside it.
 */
async function holdInAnotherProcess(lockPath: string, notePath: string, note: object): Promise<ChildProcess> {
  const script = `
    const { DatabaseSync } = require('node:sqlite');
    const fs = require('node:fs');
    const db = new DatabaseSync(process.argv[1]);
    db.exec('PRAGMA busy_timeout = 0');
    db.exec('BEGIN EXCLUSIVE');
    fs.writeFileSync(process.argv[2], process.argv[3]);
    process.stdout.write('held\\n');
    setInterval(() => {}, 60000);`;
  const child = spawn(process.execPath, ['-e', script, lockPath, notePath, JSON.stringify(note)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the holder exited (${code}) before holding`)));
  });
  return child;
}

describe('host lock files across processes', () => {
  it('refuses while another process holds the engine, naming it; frees the lock the moment that process is SIGKILLed', async () => {
    const directory = freshDirectory();
    await using files = await createEngineLockFiles({ directory });
    const engineId = 'INCP:EH3Y:GPSX:NMX6';
    const lockPath = files.lockPath(engineId);
    mkdirSync(directory, { recursive: true });
    const other = contractLeaseHolder({ hostName: 'this-host', pid: 31337 });
    const child = await holdInAnotherProcess(lockPath, lockPath.replace(/\.lock$/, '.json'), {
      engineId,
      holder: other,
      term: 4,
      acquiredAt: 1,
      renewedAt: 1,
      expiresAt: null,
    });
    const me = contractLeaseHolder({ pid: process.pid });
    try {
      const refused = await files.acquireEngineLease({ engineId, holder: me, ttlMs: 6_000 });
      expect(refused.held).toBe(false);
      expect(refused.held ? undefined : refused.heldBy?.holder).toEqual(other);
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    // No stale lock: the kernel released it with the process.
    const taken = await files.acquireEngineLease({ engineId, holder: me, ttlMs: 6_000 });
    expect(taken.held).toBe(true);
    expect(taken.held ? taken.lease.term : undefined).toBe(5);
  });

  it('a note that is not a well-formed record names nobody, and the lock still decides', async () => {
    const directory = freshDirectory();
    await using files = await createEngineLockFiles({ directory });
    const engineId = 'engine-garbage-note';
    mkdirSync(directory, { recursive: true });
    const lockPath = files.lockPath(engineId);
    const child = await holdInAnotherProcess(lockPath, lockPath.replace(/\.lock$/, '.json'), {
      engineId,
      holder: { id: 7, hostName: '\u001b[31mred' },
    });
    try {
      const refused = await files.acquireEngineLease({
        engineId,
        holder: contractLeaseHolder(),
        ttlMs: 1_000,
      });
      expect(refused).toEqual({ held: false, heldBy: undefined });
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });

  it('refuses a directory every user can write to, and a lock file that is a symbolic link', async () => {
    const open = freshDirectory();
    mkdirSync(open);
    chmodSync(open, 0o777);
    await using inOpen = await createEngineLockFiles({ directory: open });
    await expect(
      inOpen.acquireEngineLease({ engineId: 'e', holder: contractLeaseHolder(), ttlMs: 1_000 }),
    ).rejects.toThrow(
      `engine lock directory ${open} is writable by every user (mode 777): use a private one`,
    );

    const directory = freshDirectory();
    await using files = await createEngineLockFiles({ directory });
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    writeFileSync(join(directory, 'elsewhere'), '');
    symlinkSync(join(directory, 'elsewhere'), files.lockPath('e'));
    await expect(
      files.acquireEngineLease({ engineId: 'e', holder: contractLeaseHolder(), ttlMs: 1_000 }),
    ).rejects.toThrow(/is a symbolic link$/);
  });

  it('names lock files by a hash of the engine ID, whatever characters the ID holds', async () => {
    await using files = await createEngineLockFiles({ directory: freshDirectory() });
    expect(files.lockPath('../../etc/passwd')).toMatch(/\/engine-[0-9a-f]{32}\.lock$/);
    const answer = await files.acquireEngineLease({
      engineId: '../../etc/passwd',
      holder: contractLeaseHolder(),
      ttlMs: 1_000,
    });
    expect(answer.held).toBe(true);
  });
});
