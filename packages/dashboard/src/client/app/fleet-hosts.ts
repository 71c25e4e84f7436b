import { type ApiClient, ApiRequestError } from '../api/api-client.js';
import type { HostSummary, HostsResponse } from '../api/api-types.js';
import { isSelfScope } from '../hosts/host-route.js';
import { byId } from '../render/dom.js';
import { renderHostPicker, renderScopeNote } from '../render/host-picker.js';
import type { DashboardState } from '../state/dashboard-state.js';

/** The hosts sharing this agent's store (`GET /monitor/hosts`), shown in the picker. */
export class FleetHosts {
  hosts: readonly HostSummary[] = [];
  /** False once the agent answered 404: an agent without a fleet view, so one host. */
  #served = true;
  /** This agent's own counts as last drawn. */
  #drawnCounts = '';

  constructor(
    private readonly api: ApiClient,
    private readonly state: DashboardState,
    /** This agent's host became known: what may be written and which events apply changed. */
    private readonly selfChanged: () => void,
    /** A new answer: which hosts stopped reporting. */
    private readonly silentHosts: (hosts: ReadonlySet<string>) => void,
  ) {}

  async load(): Promise<void> {
    if (!this.#served) return;
    try {
      const answer = await this.api.get<HostsResponse>('/monitor/hosts');
      this.hosts = answer.hosts;
      this.silentHosts(new Set(answer.hosts.filter((host) => !host.reporting).map((host) => host.host)));
      if (this.state.selfHost !== answer.self) {
        this.state.selfHost = answer.self;
        this.selfChanged();
      }
    } catch (error) {
      if (error instanceof ApiRequestError && error.status === 404) this.#served = false;
      // Otherwise the next poll tries again; the picker keeps the last answer.
    }
    this.render();
  }

  /**
   * Draws the picker. This agent's own counts are taken from what the page holds when it shows
   * this host live: its report is up to one report interval old, the event stream is not.
   */
  /** After live changes: redraws only when this agent's own counts changed. */
  liveChanged(): void {
    const { state } = this;
    if (this.hosts.length <= 1 || !state.showsLiveEvents || state.selfHost === null) return;
    const counts = JSON.stringify(state.countsOf(state.selfHost) ?? null);
    if (counts !== this.#drawnCounts) this.render();
  }

  render(): void {
    const { state } = this;
    const picked = state.scope ?? state.selfHost ?? state.host;
    const now = Date.now();
    const live =
      state.showsLiveEvents && state.selfHost !== null ? state.countsOf(state.selfHost) : undefined;
    this.#drawnCounts = JSON.stringify(live ?? null);
    const hosts = live ? this.hosts.map((host) => (host.self ? { ...host, ...live } : host)) : this.hosts;
    renderHostPicker(byId('hosts'), byId('host-list'), hosts, picked, now);
    renderScopeNote(
      byId('scope-note'),
      picked,
      this.hosts.find((host) => host.host === picked),
      isSelfScope(state.scope, state.selfHost),
      now,
    );
  }
}
