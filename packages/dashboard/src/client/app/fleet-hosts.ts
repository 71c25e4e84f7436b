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

  constructor(
    private readonly api: ApiClient,
    private readonly state: DashboardState,
    /** This agent's host became known: what may be written and which events apply changed. */
    private readonly selfChanged: () => void,
  ) {}

  async load(): Promise<void> {
    if (!this.#served) return;
    try {
      const answer = await this.api.get<HostsResponse>('/monitor/hosts');
      this.hosts = answer.hosts;
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

  render(): void {
    const { state } = this;
    const picked = state.scope ?? state.selfHost ?? state.host;
    const now = Date.now();
    renderHostPicker(byId('hosts'), byId('host-list'), this.hosts, picked, now);
    renderScopeNote(
      byId('scope-note'),
      picked,
      this.hosts.find((host) => host.host === picked),
      isSelfScope(state.scope, state.selfHost),
      now,
    );
  }
}
