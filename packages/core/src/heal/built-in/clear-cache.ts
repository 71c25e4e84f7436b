import type { HealingContext, HealingOutcome, HealingStrategy } from '../healing-strategy.js';
import { errorMessage, tailOf } from './outcome-text.js';

export const defaultCacheDirectories: readonly string[] = ['/tmp', '/var/tmp'];
const defaultStepTimeoutMs = 30_000;

/**
 * Empties the cache directories inside the container and keeps the directories themselves.
 *
 * The runtime executes argv without a shell, so there is no `/tmp/*` glob; `find` does the
 * walking. busybox `find` (the one in small images) has no `-delete`, so files go through
 * `rm -f` and then the emptied directories through `rmdir`, deepest first. `-xdev` keeps both
 * passes off other filesystems: a volume mounted under /tmp is data, not cache, and `rm -rf`
 * on its mount point would empty it.
 */
export function createClearCacheStrategy(
  options: { readonly directories?: readonly string[]; readonly stepTimeoutMs?: number } = {},
): HealingStrategy {
  const directories = options.directories ?? defaultCacheDirectories;
  for (const directory of directories) {
    if (!directory.startsWith('/') || directory.replace(/\/+$/, '') === '') {
      throw new TypeError(`clear_cache directories must be absolute and not "/", got "${directory}"`);
    }
  }
  const timeoutMs = options.stepTimeoutMs ?? defaultStepTimeoutMs;

  return {
    name: 'clear_cache',
    description: `Removes the contents of ${directories.join(' and ')} inside the container (not the directories, not mounted volumes).`,
    restartsContainer: false,
    run: (context) => clearDirectories(context, directories, timeoutMs),
  };
}

export const clearCacheStrategy: HealingStrategy = createClearCacheStrategy();

async function clearDirectories(
  context: HealingContext,
  directories: readonly string[],
  timeoutMs: number,
): Promise<HealingOutcome> {
  const { container, runtime } = context;
  const exec = (argv: readonly string[]) => runtime.exec({ id: container.id, argv, timeoutMs });
  let changed = false;

  try {
    // Only the directories that exist: find fails on a missing start point, which would hide
    // a real failure behind "no /var/tmp in this image".
    const probe = await exec(['find', ...directories, '-maxdepth', '0', '-type', 'd']);
    const present = new Set(probe.output.split('\n').map((line) => line.trim()));
    const existing = directories.filter((directory) => present.has(directory));
    if (existing.length === 0) {
      return {
        ok: false,
        changedContainer: false,
        detail: `nothing cleared in ${container.name}: none of ${directories.join(', ')} could be listed (exit ${probe.exitCode}): ${tailOf(probe.output)}`,
      };
    }

    changed = true;
    const files = await exec([
      'find',
      ...existing,
      '-xdev',
      '-mindepth',
      '1',
      '!',
      '-type',
      'd',
      '-exec',
      'rm',
      '-f',
      '{}',
      '+',
    ]);
    const folders = await exec([
      'find',
      ...existing,
      '-xdev',
      '-mindepth',
      '1',
      '-depth',
      '-type',
      'd',
      '-exec',
      'rmdir',
      '{}',
      '+',
    ]);

    const where = `${existing.join(', ')} in ${container.name}`;
    if (files.exitCode !== 0) {
      return {
        ok: false,
        changedContainer: true,
        detail: `could not remove every file from ${where} (exit ${files.exitCode}): ${tailOf(files.output)}`,
      };
    }
    // Mount points and directories someone still holds cannot be removed; the space is freed anyway.
    const kept =
      folders.exitCode === 0
        ? ''
        : `; some directories were kept (exit ${folders.exitCode}): ${tailOf(folders.output, 1024)}`;
    return { ok: true, changedContainer: true, detail: `cleared the contents of ${where}${kept}` };
  } catch (error) {
    return {
      ok: false,
      changedContainer: changed,
      detail: `clear_cache in ${container.name} failed: ${errorMessage(error)}`,
    };
  }
}
