import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** This package's own test image; the project-wide `website-monitor-test:local` is built elsewhere. */
export const adapterTestImage = 'website-monitor-adapter-test:local';

/**
 * Builds a ~2 MB image from the host's static busybox with `docker import` (no registry here),
 * once: an existing image is reused. argv only, never a shell string.
 */
export async function ensureAdapterTestImage(): Promise<string> {
  const existing = await run('docker', ['image', 'inspect', '--format', '{{.Id}}', adapterTestImage]).catch(
    () => undefined,
  );
  if (existing !== undefined) return adapterTestImage;
  const workDir = await mkdtemp(join(tmpdir(), 'wm-adapter-image-'));
  try {
    const root = join(workDir, 'root');
    await mkdir(join(root, 'bin'), { recursive: true });
    await copyFile('/bin/busybox', join(root, 'bin', 'busybox'));
    // Docker runs HEALTHCHECK CMD-SHELL through /bin/sh.
    await symlink('busybox', join(root, 'bin', 'sh'));
    const tarPath = join(workDir, 'rootfs.tar');
    await run('tar', ['-C', root, '-cf', tarPath, '.']);
    await run('docker', [
      'import',
      '--change',
      'CMD ["/bin/busybox", "sleep", "3600"]',
      tarPath,
      adapterTestImage,
    ]);
    return adapterTestImage;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
