import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startPoller, type VisibilitySource } from './poller.js';

class FakeVisibility extends EventTarget implements VisibilitySource {
  hidden = false;
  set(hidden: boolean): void {
    this.hidden = hidden;
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

describe('polling other hosts', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads at once, then every interval after the previous read ended', async () => {
    const visibility = new FakeVisibility();
    let runs = 0;
    const poller = startPoller({ intervalMs: 10_000, visibility, run: async () => void runs++ });
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toBe(2);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(runs).toBe(5);
    poller.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toBe(5);
  });

  it('makes no request while the page is hidden, and reads at once when it is shown again', async () => {
    const visibility = new FakeVisibility();
    let runs = 0;
    const poller = startPoller({ intervalMs: 10_000, visibility, run: async () => void runs++ });
    await vi.advanceTimersByTimeAsync(0);
    visibility.set(true);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(runs).toBe(1);
    visibility.set(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toBe(2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runs).toBe(3);
    poller.stop();
  });

  it('never runs two reads at once: a refresh during a slow read runs once it ends', async () => {
    const visibility = new FakeVisibility();
    let active = 0;
    let most = 0;
    let runs = 0;
    const poller = startPoller({
      intervalMs: 10_000,
      visibility,
      run: async () => {
        runs++;
        active++;
        most = Math.max(most, active);
        await new Promise((resolve) => setTimeout(resolve, 5_000));
        active--;
      },
    });
    await vi.advanceTimersByTimeAsync(1_000);
    poller.refresh();
    poller.refresh();
    visibility.set(true);
    visibility.set(false);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(runs).toBe(2);
    expect(most).toBe(1);
    poller.stop();
  });

  it('goes on after a failed read', async () => {
    const visibility = new FakeVisibility();
    let runs = 0;
    const poller = startPoller({
      intervalMs: 1_000,
      visibility,
      run: async () => {
        runs++;
        throw new Error('agent unreachable');
      },
    });
    await vi.advanceTimersByTimeAsync(2_500);
    expect(runs).toBe(3);
    poller.stop();
  });
});
