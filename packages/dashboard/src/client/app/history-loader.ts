import type { ApiClient } from '../api/api-client.js';
import type { ContainerMetricsResponse } from '../api/api-types.js';
import { withHost } from '../hosts/host-route.js';
import { containerKey, type DashboardState, historyLength } from '../state/dashboard-state.js';

const concurrency = 4;

/**
 * Sparkline history, read once per card and only for cards scrolled into view (an
 * IntersectionObserver), at most four requests at a time; from the card's own host when one
 * was picked.
 */
export class HistoryLoader {
  readonly observer: IntersectionObserver | undefined;
  readonly #queue: string[] = [];
  readonly #requested = new Set<string>();
  #inFlight = 0;

  constructor(
    private readonly api: ApiClient,
    private readonly state: DashboardState,
    private readonly loaded: () => void,
  ) {
    this.observer =
      'IntersectionObserver' in window
        ? new IntersectionObserver((entries) => this.#seen(entries), { rootMargin: '200px' })
        : undefined;
  }

  /** Another host was picked: its cards are new, so their history is read again. */
  reset(): void {
    this.#queue.length = 0;
    this.#requested.clear();
  }

  #seen(entries: readonly IntersectionObserverEntry[]): void {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      const { name, host } = (entry.target as HTMLElement).dataset;
      if (name === undefined || host === undefined) continue;
      const key = containerKey(host, name);
      if (this.#requested.has(key)) continue;
      this.#requested.add(key);
      this.#queue.push(key);
      this.observer?.unobserve(entry.target);
    }
    this.#pump();
  }

  #pump(): void {
    while (this.#inFlight < concurrency && this.#queue.length > 0) {
      const key = this.#queue.shift()!;
      const view = this.state.containers.get(key);
      if (!view) continue;
      this.#inFlight++;
      const path = withHost(
        `/monitor/metrics/container/${encodeURIComponent(view.name)}?hours=1&limit=${historyLength}`,
        this.state.scope === null ? null : view.host,
      );
      this.api
        .get<ContainerMetricsResponse>(path)
        .then((answer) => this.state.loadHistory(key, answer.samples))
        .catch(() => this.state.loadHistory(key, []))
        .finally(() => {
          this.#inFlight--;
          this.loaded();
          this.#pump();
        });
    }
  }
}
