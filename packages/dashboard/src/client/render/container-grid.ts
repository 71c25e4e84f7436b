import { formatBytes, formatMs, formatPercent, humanize } from '../format/format.js';
import { boundedText, maxTitleLength } from '../hosts/host-health.js';
import type { ContainerView, MetricPoint } from '../state/dashboard-state.js';
import { containerHref, h, setAttr, setText, svg } from './dom.js';
import { scaleSeries } from './sparkline.js';

interface Card {
  readonly root: HTMLLIElement;
  readonly critical: HTMLElement;
  readonly state: HTMLElement;
  readonly health: HTMLElement;
  readonly incident: HTMLElement;
  /** The host badge (fleet view only). */
  readonly host: HTMLElement | null;
  readonly metrics: Record<MetricKey, { readonly line: SVGPolylineElement; readonly value: HTMLElement }>;
}

type MetricKey = 'responseTimeMs' | 'cpuPercent' | 'memoryBytes';
/**
 * `floor` is the smallest span a sparkline stretches to its full height, so noise stays flat;
 * CPU is drawn from 0 (idle is meaningful), the others from their own minimum (drift shows).
 */
const metricRows: readonly { key: MetricKey; label: string; floor: number; fromZero: boolean }[] = [
  { key: 'responseTimeMs', label: 'Response', floor: 20, fromZero: false },
  { key: 'cpuPercent', label: 'CPU', floor: 2, fromZero: true },
  { key: 'memoryBytes', label: 'Memory', floor: 16 * 2 ** 20, fromZero: false },
];

/**
 * The container cards, keyed by name. A card is built once and then only its changed text and
 * polyline points are written; filtering toggles `hidden` and never rebuilds.
 */
export class ContainerGrid {
  readonly #cards = new Map<string, Card>();
  #filter = '';
  #problemsOnly = false;
  /** Every host shown: each card names its host, and the grid is grouped by host. */
  #fleet = false;
  /** A host was picked: links name the container's host. */
  #hostLinks = false;
  /** Hosts whose agent stopped reporting: their cards say so in the fleet view. */
  #silentHosts: ReadonlySet<string> = new Set();

  constructor(
    private readonly list: HTMLElement,
    private readonly empty: HTMLElement,
    /** Told when a card enters the viewport, to fetch its stored history once. */
    private readonly observer: IntersectionObserver | undefined,
  ) {}

  /** Drops every card, for another host; `fleet`: every host is shown, `hostLinks`: one was picked. */
  reset(options: { readonly fleet: boolean; readonly hostLinks: boolean }): void {
    for (const card of this.#cards.values()) {
      this.observer?.unobserve(card.root);
      card.root.remove();
    }
    this.#cards.clear();
    this.#fleet = options.fleet;
    this.#hostLinks = options.hostLinks;
    this.list.classList.toggle('fleet', options.fleet);
    this.#applyFilter();
  }

  /**
   * Adds and removes cards so the list matches `views`: critical containers first, then by name
   * (in the fleet view, grouped by host first).
   */
  syncMembership(views: Iterable<ContainerView>): void {
    const sorted = [...views].sort(
      (a, b) =>
        (this.#fleet ? a.host.localeCompare(b.host) : 0) ||
        Number(b.critical) - Number(a.critical) ||
        a.name.localeCompare(b.name),
    );
    const keep = new Set(sorted.map((view) => view.key));
    for (const [key, card] of this.#cards) {
      if (keep.has(key)) continue;
      this.observer?.unobserve(card.root);
      card.root.remove();
      this.#cards.delete(key);
    }
    const fragment = document.createDocumentFragment();
    for (const view of sorted) {
      let card = this.#cards.get(view.key);
      if (!card) {
        card = buildCard(view, { fleet: this.#fleet, hostLinks: this.#hostLinks });
        this.#cards.set(view.key, card);
        this.#markSilent(card);
        this.observer?.observe(card.root);
        this.update(view);
      }
      fragment.append(card.root);
    }
    this.list.append(fragment);
    this.#applyFilter();
  }

  update(view: ContainerView): void {
    const card = this.#cards.get(view.key);
    if (!card) return;
    const problem = isProblem(view);
    setAttr(card.root, 'data-health', view.health ?? 'unknown');
    setAttr(card.root, 'data-problem', String(problem));
    setAttr(card.root, 'data-critical', String(view.critical));
    card.critical.hidden = !view.critical;
    setText(card.state, view.state ?? 'unknown');
    setAttr(card.state, 'data-state', view.state ?? 'unknown');
    setText(card.health, view.health ? humanize(view.health) : 'not checked yet');
    const incidentText = view.incident
      ? `Incident: ${humanize(view.incident.trigger)} · ${humanize(view.incident.status)}`
      : '';
    setText(card.incident, incidentText);
    card.incident.hidden = incidentText === '';
    const latest = (key: keyof Omit<MetricPoint, 'at'>) => latestValue(view, key);
    const memoryPercent = latest('memoryPercent');
    const values: Record<MetricKey, string> = {
      responseTimeMs: formatMs(latest('responseTimeMs')),
      cpuPercent: formatPercent(latest('cpuPercent')),
      memoryBytes:
        memoryPercent !== undefined
          ? `${formatBytes(latest('memoryBytes'))} · ${formatPercent(memoryPercent)}`
          : formatBytes(latest('memoryBytes')),
    };
    for (const row of metricRows) {
      const { line, value } = card.metrics[row.key];
      setText(value, values[row.key]);
      setAttr(
        line,
        'points',
        scaleSeries(series(view.history, row.key), 100, 24, {
          floor: row.floor,
          min: row.fromZero ? 0 : undefined,
        }).points,
      );
    }
    if (this.#problemsOnly || this.#filter) card.root.hidden = !this.#matches(card.root, problem);
  }

  /** The hosts whose agent stopped reporting (from `/monitor/hosts`). */
  setSilentHosts(hosts: ReadonlySet<string>): void {
    this.#silentHosts = hosts;
    for (const card of this.#cards.values()) this.#markSilent(card);
  }

  #markSilent(card: Card): void {
    if (!card.host) return;
    const host = card.root.dataset.host ?? '';
    const silent = this.#silentHosts.has(host);
    setAttr(card.root, 'data-reporting', String(!silent));
    setText(card.host, silent ? `${boundedText(host)} · not reporting` : boundedText(host));
  }

  setFilter(filter: string, problemsOnly: boolean): void {
    this.#filter = filter.trim().toLowerCase();
    this.#problemsOnly = problemsOnly;
    this.#applyFilter();
  }

  get size(): number {
    return this.#cards.size;
  }

  #applyFilter(): void {
    let shown = 0;
    for (const card of this.#cards.values()) {
      const visible = this.#matches(card.root, card.root.getAttribute('data-problem') === 'true');
      card.root.hidden = !visible;
      if (visible) shown++;
    }
    this.empty.hidden = shown > 0 || this.#cards.size === 0;
  }

  /** By container name, and in the fleet view by host name too. */
  #matches(root: HTMLElement, problem: boolean): boolean {
    if (this.#problemsOnly && !problem) return false;
    if (this.#filter === '') return true;
    const name = root.dataset.name ?? '';
    const host = this.#fleet ? (root.dataset.host ?? '') : '';
    return name.toLowerCase().includes(this.#filter) || host.toLowerCase().includes(this.#filter);
  }
}

export function isProblem(view: ContainerView): boolean {
  return (
    view.incident !== null || view.health === 'unhealthy' || (view.state !== null && view.state !== 'running')
  );
}

/**
 * The newest reading of a metric among the last few checks of a running container: some checks
 * (e.g. one triggered by an engine event) carry no HTTP probe or CPU delta, and the card should
 * not flicker to "–" for them. A stopped container shows none.
 */
function latestValue(view: ContainerView, key: keyof Omit<MetricPoint, 'at'>): number | undefined {
  if (view.state !== 'running') return undefined;
  const { history } = view;
  for (let index = history.length - 1; index >= Math.max(0, history.length - 3); index--) {
    const value = history[index]![key];
    if (value !== null) return value;
  }
  return undefined;
}

function series(history: readonly MetricPoint[], key: MetricKey): (number | null)[] {
  return history.map((point) => point[key]);
}

function buildCard(
  view: ContainerView,
  mode: { readonly fleet: boolean; readonly hostLinks: boolean },
): Card {
  const { name, host } = view;
  const hostBadge = mode.fleet
    ? h('span', { class: 'badge host', title: boundedText(host, maxTitleLength) }, boundedText(host))
    : null;
  const critical = h(
    'span',
    {
      class: 'badge critical',
      title: 'Marked critical: restarted first, incidents at least high urgency',
      hidden: true,
    },
    'critical',
  );
  const state = h('span', { class: 'badge state' });
  const health = h('span', { class: 'health-text' });
  const incident = h('p', { class: 'card-incident', hidden: true });
  const metrics = {} as Card['metrics'];
  const rows = metricRows.map((row) => {
    const line = svg('polyline', { 'vector-effect': 'non-scaling-stroke' });
    const value = h('span', { class: 'metric-value' });
    metrics[row.key] = { line, value };
    return h(
      'div',
      { class: `metric metric-${row.key}` },
      h('span', { class: 'metric-label' }, row.label),
      svg(
        'svg',
        { class: 'spark', viewBox: '0 -2 100 28', preserveAspectRatio: 'none', 'aria-hidden': 'true' },
        line,
      ),
      value,
    );
  });
  const root = h(
    'li',
    { class: 'card', 'data-name': name, 'data-host': host },
    h(
      'div',
      { class: 'card-head' },
      h(
        'a',
        { class: 'card-name', href: containerHref(name, mode.hostLinks ? host : null), title: name },
        name,
      ),
      critical,
      state,
    ),
    hostBadge ? h('p', { class: 'card-host' }, hostBadge) : null,
    h('div', { class: 'card-health' }, h('span', { class: 'dot', 'aria-hidden': 'true' }), health),
    ...rows,
    incident,
  );
  return { root, critical, state, health, incident, host: hostBadge, metrics };
}
