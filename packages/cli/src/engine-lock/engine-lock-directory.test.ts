import { describe, expect, it } from 'vitest';
import { engineLockDirectory } from './engine-lock-directory.js';

describe('engineLockDirectory', () => {
  it('is the same for every agent one user runs on a host, so they meet there', () => {
    expect(engineLockDirectory({ env: {}, uid: 0 })).toBe('/run/website-monitor');
    expect(engineLockDirectory({ env: { XDG_RUNTIME_DIR: '/run/user/1000' }, uid: 1000 })).toBe(
      '/run/user/1000/website-monitor',
    );
    expect(engineLockDirectory({ env: {}, uid: 1000, tmp: '/tmp' })).toBe('/tmp/website-monitor-1000');
    expect(engineLockDirectory({ env: { XDG_RUNTIME_DIR: 'relative' }, uid: 1000, tmp: '/tmp' })).toBe(
      '/tmp/website-monitor-1000',
    );
  });

  it('WEBSITE_MONITOR_LOCK_DIR wins (a host directory mounted into each agent container)', () => {
    expect(engineLockDirectory({ env: { WEBSITE_MONITOR_LOCK_DIR: ' /srv/wm-locks ' }, uid: 0 })).toBe(
      '/srv/wm-locks',
    );
  });
});
