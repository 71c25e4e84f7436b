import { ApiClient, ApiRequestError } from './api/api-client.js';
import type {
  ApprovalsResponse,
  ContainerBaseline,
  ContainerMetricsResponse,
  IncidentsResponse,
  StatusResponse,
} from './api/api-types.js';
import { type FeedState, startEventFeed } from './events/event-feed.js';
import { renderApprovals } from './render/approval-queue.js';
import { ContainerGrid, isProblem } from './render/container-grid.js';
import { renderContainerPage, setPageTitle } from './render/container-page.js';
import { byId, h, setAttr, setText } from './render/dom.js';
import { incidentItem, renderIncidents } from './render/incident-timeline.js';
import { askForToken } from './render/token-dialog.js';
import { DashboardState, historyLength, type MetricPoint } from './state/dashboard-state.js';

const state = new DashboardState();
const api = new ApiClient(askForToken);
const busyApprovals = new Set<string>();

// ---- sparkline history: fetched once per card, only for cards scrolled into view -------------

const historyQueue: string[] = [];
const historyRequested = new Set<string>();
let historyInFlight = 0;
const historyConcurrency = 4;

const pumpHistory = () => {
  while (historyInFlight < historyConcurrency && historyQueue.length > 0) {
    const name = historyQueue.shift()!;
    historyInFlight++;
    api
      .get<ContainerMetricsResponse>(
        `/monitor/metrics/container/${encodeURIComponent(name)}?hours=1&limit=${historyLength}`,
      )
      .then((answer) => state.loadHistory(name, answer.samples))
      .catch(() => state.loadHistory(name, []))
      .finally(() => {
        historyInFlight--;
        schedule();
        pumpHistory();
      });
  }
};

const observer =
  'IntersectionObserver' in window
    ? new IntersectionObserver(
        (entries) => {
          for (const entry of entries) {
            if (!entry.isIntersecting) continue;
            const name = (entry.target as HTMLElement).dataset.name;
            if (!name || historyRequested.has(name)) continue;
            historyRequested.add(name);
            historyQueue.push(name);
            observer?.unobserve(entry.target);
          }
          pumpHistory();
        },
        { rootMargin: '200px' },
      )
    : undefined;

const grid = new ContainerGrid(byId('grid'), byId('grid-empty'), observer);

// ---- routing --------------------------------------------------------------------------------

type Route = { readonly page: 'overview' } | { readonly page: 'container'; readonly name: string };
let route: Route = parseRoute(location.hash);
let page: { name: string; history: MetricPoint[]; baselines: readonly ContainerBaseline[] } | undefined;
let pageRequest: AbortController | undefined;

function parseRoute(hash: string): Route {
  const match = /^#\/container\/(.+)$/.exec(hash);
  if (!match) return { page: 'overview' };
  try {
    return { page: 'container', name: decodeURIComponent(match[1]!) };
  } catch {
    return { page: 'overview' };
  }
}

async function openRoute(): Promise<void> {
  route = parseRoute(location.hash);
  const overview = byId('overview');
  const containerPage = byId('container-page');
  pageRequest?.abort();
  if (route.page === 'overview') {
    page = undefined;
    overview.hidden = false;
    containerPage.hidden = true;
    containerPage.replaceChildren();
    setPageTitle('website-monitor');
    return;
  }
  const { name } = route;
  overview.hidden = true;
  containerPage.hidden = false;
  setPageTitle(`${name} · website-monitor`);
  page = { name, history: [], baselines: [] };
  renderPage();
  byId('main').focus();
  const controller = new AbortController();
  pageRequest = controller;
  try {
    const answer = await api.get<ContainerMetricsResponse>(
      `/monitor/metrics/container/${encodeURIComponent(name)}?hours=1&limit=500`,
      controller.signal,
    );
    if (page?.name !== name) return;
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
  const view = state.containers.get(page.name);
  // Live checks extend the chart after the stored samples.
  const verdict = view?.verdict;
  const last = page.history.at(-1);
  if (verdict && (!last || verdict.checkedAt > last.at)) {
    const latest = view.history.at(-1);
    if (latest && latest.at === verdict.checkedAt) page.history.push(latest);
    if (page.history.length > 500) page.history.splice(0, page.history.length - 500);
  }
  const now = Date.now();
  const incidents = [...state.incidents.values()]
    .filter((incident) => incident.containerName === page!.name)
    .sort((a, b) => b.openedAt - a.openedAt)
    .map((incident) => incidentItem(incident, state.actionsOf(incident), now));
  renderContainerPage(byId('container-page'), view, page.name, page, incidents, now);
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
    );
    byId('incidents-empty').hidden = state.incidents.size > 0;
  }
  if (dirty.approvals) {
    renderApprovals(byId('approvals'), [...state.approvals.values()], busyApprovals, now);
    byId('approvals-empty').hidden = state.approvals.size > 0;
    setText(byId('approvals-count'), String(state.approvals.size));
    setAttr(byId('approvals-count'), 'data-count', String(state.approvals.size));
  }
  if (dirty.engine) {
    setText(byId('host'), state.host);
    if (state.engine.connected === false) {
      notify(`Container engine unreachable${state.engine.error ? `: ${state.engine.error}` : ''}`, 0);
    }
  }
  renderSummary();
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

async function resync(): Promise<void> {
  try {
    const [status, incidents, approvals] = await Promise.all([
      api.get<StatusResponse>('/monitor/status'),
      api.get<IncidentsResponse>('/monitor/incidents?hours=24&limit=500'),
      api.get<ApprovalsResponse>('/monitor/approvals'),
    ]);
    state.loadStatus(status);
    state.loadIncidents(incidents.incidents);
    state.loadApprovals(approvals.approvals);
    schedule();
  } catch (error) {
    notify(error);
  }
}

// A container first seen on the event stream: its critical flag (and so its place in the grid)
// comes with the next status snapshot. One request for a burst of new containers.
let statusRefresh: ReturnType<typeof setTimeout> | undefined;
const statusRefreshDelayMs = 1_000;

function refreshStatusSoon(): void {
  if (statusRefresh !== undefined) return;
  statusRefresh = setTimeout(async () => {
    try {
      state.loadStatus(await api.get<StatusResponse>('/monitor/status'));
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
  onOpen: () => void resync(),
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
  if (!button || !id || busyApprovals.has(id)) return;
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
