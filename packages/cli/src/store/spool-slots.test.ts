import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryLogger, MemoryStore } from '@website-monitor/core/testing';
import { createSpooledStore, type SpooledStore } from '@website-monitor/store-spool';
import { afterEach, describe, expect, it } from 'vitest';
import { openSpoolSlot, spoolSlotPath, spoolSlots } from './spool-slots.js';

const opened: SpooledStore[] = [];
afterEach(async () => {
  for (const spool of opened.splice(0)) await spool.close();
});

/** A real spool file, as `run` opens it (the SQLite file's exclusive lock is what another agent meets). */
async function openReal(path: string): Promise<SpooledStore> {
  const spool = createSpooledStore({
    store: new MemoryStore(),
    path,
    maxBytes: 1024 * 1024,
    logger: new MemoryLogger(),
  });
  opened.push(spool);
  return spool;
}

describe('spool slots: agents on one host sharing a spool path', () => {
  it('names the slots beside the configured file', () => {
    expect(spoolSlotPath('/var/lib/wm/spool.db', 1)).toBe('/var/lib/wm/spool.db');
    expect(spoolSlotPath('/var/lib/wm/spool.db', 2)).toBe('/var/lib/wm/spool.2.db');
    expect(spoolSlotPath('/var/lib/wm/spool', 3)).toBe('/var/lib/wm/spool.3');
  });

  it('a second and third agent take the next free files; a slot let go is taken again by the next agent', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wm-spool-slots-')), 'spool.db');
    const first = await openSpoolSlot(path, openReal);
    const second = await openSpoolSlot(path, openReal);
    const third = await openSpoolSlot(path, openReal);
    expect([first.path, second.path, third.path]).toEqual([
      path,
      spoolSlotPath(path, 2),
      spoolSlotPath(path, 3),
    ]);
    // The first agent stops (or is SIGKILLed: the kernel drops its lock): its file is free again.
    await first.spool.close();
    const next = await openSpoolSlot(path, openReal);
    expect([next.path, next.slot]).toEqual([path, 1]);
  });

  it('every slot held: the first slot’s "in use" error, as before', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wm-spool-slots-')), 'spool.db');
    for (let slot = 0; slot < spoolSlots; slot++) await openSpoolSlot(path, openReal);
    await expect(openSpoolSlot(path, openReal)).rejects.toThrow(
      `spool file ${path} is in use by another agent (each agent needs its own spool file)`,
    );
  });

  it('a file that is not a spool is not skipped: its error stops the start', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wm-spool-slots-')), 'spool.db');
    writeFileSync(path, 'not a database, written by someone else\n'.repeat(100));
    let attempts = 0;
    await expect(
      openSpoolSlot(path, async (slotPath) => {
        attempts++;
        return openReal(slotPath);
      }),
    ).rejects.toThrow(/spool file .+spool\.db/);
    expect(attempts).toBe(1);
  });
});
