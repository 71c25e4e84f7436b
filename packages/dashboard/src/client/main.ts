import { ApiClient, ApiRequestError } from './api/api-client.js';
import type {
  ApprovalsResponse,
  ContainerBaseline,
  ContainerMetricsResponse,
  IncidentsResponse,
  StatusResponse,
} from './api/api-types.js';
import { FleetHosts } from './app/fleet-hosts.js';
import { wireHealButton } from './app/heal-button.js';
import { HistoryLoader } from './app/history-loader.js';
import { type FeedState, startEventFeed } from './events/event-feed.js';
import { boundedText } from './hosts/host-health.js';
import {
  type DashboardRoute,
  everyHost,
  isSelfScope,
  parseRoute,
  routeHash,
  withHost,
} from './hosts/host-route.js';
import { startPoller } from './hosts/poller.js';
import { renderApprovals } from './render/approval-queue.js';
import { ContainerGrid, isProblem } from './render/container-grid.js';
import { renderContainerPage, setPageTitle } from './render/container-page.js';
import { byId, h, setAttr, setText } from './render/dom.js';
import { incidentItem, renderIncidents } from './render/incident-timeline.js';
import { askForToken } from './render/token-dialog.js';
import { containerKey, DashboardState, type MetricPoint } from './state/dashboard-state.js';

const state = new DashboardState();
const api = new ApiClient(askForToken);
const busyApprovals = new Set<string>();
const history = new HistoryLoader(api, state, () => schedule());
const grid = new ContainerGrid(byId('grid'), byId('grid-empty'), history.observer);

// ---- hosts: the fleet sharing this agent's store, read every 10 s while the page is visible ----

const fleet = new FleetHosts(
  api,
  state,
  () => {
    state.markApprovalsChanged();
    if (state.scope !== null) void loadScope();
    renderPage();
  },
  (silent) => grid.setSilentHosts(silent),
);

// Other hosts are read by polling: the event stream carries this agent's host only.
startPoller({
  visibility: document,
  run: async () => {
    await fleet.load();
    if (!isSelfScope(state.scope, state.selfHost)) await loadScope();
  },
});

// ---- routing --------------------------------------------------------------------------------

let route: DashboardRoute = parseRoute(location.hash);
let page:
  | { name: string; host: string | null; history: MetricPoint[]; baselines: readonly ContainerBaseline[] }
  | undefined;
let pageRequest: AbortController | undefined;
let healBusy = false;

/** The host picked in the address changed: what is shown is dropped and read for that host. */
function changeScope(scope: string | null): void {
  state.reset(scope);
  history.reset();
  busyApprovals.clear();
  grid.reset({ fleet: scope === everyHost, hostLinks: scope !== null });
  setText(byId('approvals-host'), scope === everyHost ? `this agent's host` : '');
  fleet.render();
  schedule();
  void loadScope();
}

async function openRoute(): Promise<void> {
  route = parseRoute(location.hash);
  if (route.host !== state.scope) changeScope(route.host);
  const overview = byId('overview');
  const containerPage = byId('container-page');
  pageRequest?.abort();
  if (route.container === null) {
    page = undefined;
    overview.hidden = false;
    containerPage.hidden = true;
    containerPage.replaceChildren();
    setPageTitle('website-monitor');
    return;
  }
  const name = route.container;
  const host = route.host === everyHost ? null : route.host;
  overview.hidden = true;
  containerPage.hidden = false;
  setPageTitle(`${name} · website-monitor`);
  page = { name, host, history: [], baselines: [] };
  renderPage();
  byId('main').focus();
  const controller = new AbortController();
  pageRequest = controller;
  try {
    const answer = await api.get<ContainerMetricsResponse>(
      withHost(`/monitor/metrics/container/${encodeURIComponent(name)}?hours=1&limit=500`, host),
      controller.signal,
    );
    if (page?.name !== name || page.host !== host) return;
    page.history = answer.samples.map((sample) => ({
      at: sample.checkedAt,
      cpuPercent: sample.metrics.cpuPercent ?? null,
      memoryBytes: sample.metrics.memoryBytes ?? null,
      memoryPercent: sample.metrics.memoryPercent ?? null,
      responseTimeMs: sample.metrics.responseTimeMs ?? null,
    }));
    page.baselines = answer.baselines;
    renderPage();
  } catch (error) {
    if (!controller.signal.aborted && !(error instanceof ApiRequestError && error.status === 404))
      notify(error);
  }
}

function renderPage(): void {
  if (!page) return;
  const viewHost = page.host ?? state.liveHost;
  const view = state.containers.get(containerKey(viewHost, page.name));
  // Live checks extend the chart after the stored samples.
  const verdict = view?.verdict;
  const last = page.history.at(-1);
  if (verdict && (!last || verdict.checkedAt > last.at)) {
    const latest = view.history.at(-1);
    if (latest && latest.at === verdict.checkedAt) page.history.push(latest);
    if (page.history.length > 500) page.history.splice(0, page.history.length - 500);
  }
  const now = Date.now();
  const mode = timelineMode();
  const incidents = [...state.incidents.values()]
    .filter(
      (incident) =>
        incident.containerName === page!.name && (page!.host === null || incident.host === viewHost),
    )
    .sort((a, b) => b.openedAt - a.openedAt)
    .map((incident) => incidentItem(incident, state.actionsOf(incident), now, mode));
  renderContainerPage(byId('container-page'), view, page.name, page, incidents, now, {
    host: page.host,
    backHref: routeHash({ host: route.host, container: null }),
    writable: state.writable,
    healBusy,
  });
}

function timelineMode() {
  return { fleet: state.scope === everyHost, hostLinks: state.scope !== null };
}

window.addEventListener('hashchange', () => void openRoute());

// ---- rendering: at most once per animation frame, only what changed --------------------------

let frameRequested = false;

function schedule(): void {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(flush);
}

function flush(): void {
  frameRequested = false;
  if (!state.hasChanges) return;
  const startedAt = performance.now();
  const dirty = state.takeDirty();
  const now = Date.now();
  if (dirty.membership) grid.syncMembership(state.containers.values());
  for (const name of dirty.containers) {
    const view = state.containers.get(name);
    if (view) grid.update(view);
  }
  if (dirty.incidents) {
    renderIncidents(
      byId('incidents'),
      [...state.incidents.values()],
      (incident) => state.actionsOf(incident),
      now,
      timelineMode(),
    );
    byId('incidents-empty').hidden = state.incidents.size > 0;
  }
  if (dirty.approvals) {
    // The fleet view lists this agent's own queue (the API has no queue of every host).
    renderApprovals(byId('approvals'), [...state.approvals.values()], busyApprovals, now, {
      readOnlyHost: state.writable || state.scope === everyHost ? null : state.scope,
      hostLinks: state.scope !== null,
    });
    byId('approvals-empty').hidden = state.approvals.size > 0;
    setText(byId('approvals-count'), String(state.approvals.size));
    setAttr(byId('approvals-count'), 'data-count', String(state.approvals.size));
  }
  if (dirty.engine) {
    setText(byId('host'), boundedText(state.selfHost ?? state.host));
    if (state.engine.connected === false) {
      notify(`Container engine unreachable${state.engine.error ? `: ${state.engine.error}` : ''}`, 0);
    }
  }
  renderSummary();
  if (dirty.membership || dirty.containers.size > 0 || dirty.incidents) fleet.liveChanged();
  if (state.takeUnlisted()) refreshStatusSoon();
  if (page && (dirty.containers.has(page.name) || dirty.incidents || dirty.membership)) renderPage();
  byId('main').setAttribute('aria-busy', 'false');
  document.documentElement.dataset.rendered = String(grid.size);
  // Readable from devtools and the browser tests: how long each batched render took.
  performance.measure('dashboard:render', { start: startedAt });
}

function renderSummary(): void {
  let healthy = 0;
  let problems = 0;
  for (const view of state.containers.values()) {
    if (isProblem(view)) problems++;
    else if (view.health === 'healthy') healthy++;
  }
  let open = 0;
  for (const incident of state.incidents.values())
    if (incident.resolvedAt === null && incident.status !== 'escalated') open++;
  const stats: [string, number, string][] = [
    ['Containers', state.containers.size, 'total'],
    ['Healthy', healthy, 'healthy'],
    ['Need attention', problems, 'problems'],
    ['Open incidents', open, 'incidents'],
    ['Awaiting approval', state.approvals.size, 'approvals'],
  ];
  const summary = byId('summary');
  if (summary.children.length !== stats.length) {
    summary.replaceChildren(
      ...stats.map(([label, , key]) =>
        h('div', { class: 'stat', 'data-stat': key }, h('dt', {}, label), h('dd', {}, '')),
      ),
    );
  }
  stats.forEach(([, value], index) => {
    const stat = summary.children[index]!;
    setText(stat.querySelector('dd')!, String(value));
    setAttr(stat, 'data-nonzero', String(value > 0));
  });
}

// ---- snapshot + live events ------------------------------------------------------------------

/**
 * Reads what the picked host shows, once: on every (re)connect of the event stream, when another
 * host is picked, and every poll while another host (or every host) is shown.
 */
async function loadScope(): Promise<void> {
  const scope = state.scope;
  try {
    const [status, incidents, approvals] = await Promise.all([
      api.get<StatusResponse>(withHost('/monitor/status', scope)),
      api.get<IncidentsResponse>(withHost('/monitor/incidents?hours=24&limit=500', scope)),
      api.get<ApprovalsResponse>(withHost('/monitor/approvals', scope === everyHost ? null : scope)),
    ]);
    if (state.scope !== scope) return;
    state.loadStatus(status);
    state.loadIncidents(incidents.incidents);
    state.loadApprovals(approvals.approvals);
    schedule();
  } catch (error) {
    if (state.scope !== scope) return;
    if (error instanceof ApiRequestError && error.status === 404 && scope !== null) {
      notify(
        `No host named "${boundedText(scope)}" reports to this agent's store: pick one of the hosts listed.`,
      );
    } else {
      notify(error);
    }
  }
}

// A container first seen on the event stream: its critical flag (and so its place in the grid)
// comes with the next status snapshot. One request for a burst of new containers.
let statusRefresh: ReturnType<typeof setTimeout> | undefined;
const statusRefreshDelayMs = 1_000;

function refreshStatusSoon(): void {
  if (statusRefresh !== undefined) return;
  statusRefresh = setTimeout(async () => {
    const scope = state.scope;
    try {
      const status = await api.get<StatusResponse>(withHost('/monitor/status', scope));
      if (state.scope !== scope) return;
      state.loadStatus(status);
      schedule();
    } catch {
      // The next resync (on reconnect) brings it; a notice for this would only be noise.
    } finally {
      statusRefresh = undefined;
    }
  }, statusRefreshDelayMs);
}

const connectionText: Record<FeedState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
};

startEventFeed({
  api,
  onOpen: () => void loadScope(),
  onState: (feed) => {
    const element = byId('connection');
    setAttr(element, 'data-state', feed);
    setText(element, connectionText[feed]);
  },
  onEvent: (event) => {
    let payload: unknown;
    try {
      payload = JSON.parse(event.data);
    } catch {
      return;
    }
    state.apply(event.event, payload);
    schedule();
  },
});

// ---- approvals -------------------------------------------------------------------------------

byId('approvals').addEventListener('click', (event) => {
  const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-decision]');
  const item = button?.closest<HTMLElement>('[data-approval-id]');
  const id = item?.dataset.approvalId;
  // Another host's queue has no buttons; this guards against a stale one all the same.
  if (!button || !id || busyApprovals.has(id) || !(state.writable || state.scope === everyHost)) return;
  const decision = button.dataset.decision === 'approve' ? 'approve' : 'reject';
  void decide(id, decision);
});

async function decide(id: string, decision: 'approve' | 'reject'): Promise<void> {
  busyApprovals.add(id);
  state.markApprovalsChanged();
  schedule();
  try {
    const body = decision === 'reject' ? { reason: 'rejected from the dashboard' } : {};
    await api.post(`/monitor/approvals/${encodeURIComponent(id)}/${decision}`, body);
    state.apply('approval:decided', { id });
  } catch (error) {
    notify(error);
    // Already decided elsewhere: the queue was stale.
    if (error instanceof ApiRequestError && (error.status === 409 || error.status === 404)) {
      state.apply('approval:decided', { id });
    }
  } finally {
    busyApprovals.delete(id);
    state.markApprovalsChanged();
    schedule();
  }
}

// ---- heal: a restart asked for a container of this agent's host -------------------------------

wireHealButton({
  root: byId('container-page'),
  api,
  mayHeal: () => state.writable,
  onBusy: (busy) => {
    healBusy = busy;
    renderPage();
  },
  notify,
});

// ---- filters and notices ---------------------------------------------------------------------

const filter = byId<HTMLInputElement>('filter');
const problemsOnly = byId<HTMLInputElement>('problems-only');
const applyFilter = () => grid.setFilter(filter.value, problemsOnly.checked);
filter.addEventListener('input', applyFilter);
problemsOnly.addEventListener('change', applyFilter);

let noticeTimer: ReturnType<typeof setTimeout> | undefined;

function notify(error: unknown, hideAfterMs = 8000): void {
  const notice = byId('notice');
  const message = typeof error === 'string' ? error : error instanceof Error ? error.message : String(error);
  notice.textContent = message;
  notice.hidden = false;
  clearTimeout(noticeTimer);
  if (hideAfterMs > 0) noticeTimer = setTimeout(() => (notice.hidden = true), hideAfterMs);
}

byId('main').setAttribute('aria-busy', 'true');
void openRoute();
