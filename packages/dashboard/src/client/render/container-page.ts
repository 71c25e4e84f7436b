import type { ContainerBaseline, Incident } from '../api/api-types.js';
import { formatAgo, formatBytes, formatMs, formatPercent, humanize } from '../format/format.js';
import { boundedText } from '../hosts/host-health.js';
import type { ContainerView, MetricPoint } from '../state/dashboard-state.js';
import { h, setText, svg } from './dom.js';
import { scaleSeries } from './sparkline.js';

interface ChartSpec {
  readonly key: 'responseTimeMs' | 'cpuPercent' | 'memoryBytes';
  readonly baseline: ContainerBaseline['metric'];
  readonly title: string;
  readonly format: (value: number) => string;
  readonly floor: number;
}

const charts: readonly ChartSpec[] = [
  {
    key: 'responseTimeMs',
    baseline: 'response_time_ms',
    title: 'Response time',
    format: formatMs,
    floor: 20,
  },
  { key: 'cpuPercent', baseline: 'cpu_percent', title: 'CPU', format: formatPercent, floor: 2 },
  { key: 'memoryBytes', baseline: 'memory_bytes', title: 'Memory', format: formatBytes, floor: 4 * 2 ** 20 },
];

const baselineLabels: Record<
  ContainerBaseline['metric'],
  { label: string; format: (value: number) => string }
> = {
  response_time_ms: { label: 'Response time', format: formatMs },
  cpu_percent: { label: 'CPU', format: formatPercent },
  memory_bytes: { label: 'Memory', format: formatBytes },
  memory_trend_bytes_per_hour: { label: 'Memory trend', format: (value) => `${formatBytes(value)}/h` },
};

const width = 640;
const height = 150;

/**
 * Where the page is: `host` names the container's host when one was picked (null: the serving
 * agent's), `backHref` the overview it came from, `writable` whether this agent may heal it.
 */
export interface ContainerPageOptions {
  readonly host: string | null;
  readonly backHref: string;
  readonly writable: boolean;
  readonly healBusy: boolean;
}

/** One container: its state, charts over the stored and live checks, learned baseline, incidents. */
export function renderContainerPage(
  root: HTMLElement,
  view: ContainerView | undefined,
  name: string,
  details: { readonly history: readonly MetricPoint[]; readonly baselines: readonly ContainerBaseline[] },
  incidents: readonly HTMLElement[],
  now: number,
  options: ContainerPageOptions = { host: null, backHref: '#/', writable: true, healBusy: false },
): void {
  if (!view) {
    root.replaceChildren(
      h('p', {}, h('a', { href: options.backHref }, '← All containers')),
      h('h1', {}, name),
      h('p', { class: 'empty' }, 'This monitor does not know a container by that name.'),
    );
    return;
  }
  const metrics = view.verdict?.metrics;
  const problems = view.verdict?.problems ?? [];
  const problemList =
    problems.length > 0
      ? h(
          'ul',
          { class: 'problems', 'aria-label': 'Current problems' },
          ...problems.map((problem) => h('li', {}, problem.message)),
        )
      : '';
  root.replaceChildren(
    h('p', { class: 'crumbs' }, h('a', { href: options.backHref }, '← All containers')),
    h(
      'div',
      { class: 'page-head' },
      h('h1', { id: 'container-title' }, view.name),
      view.critical && h('span', { class: 'badge critical' }, 'critical'),
      h('span', { class: 'badge state', 'data-state': view.state ?? 'unknown' }, view.state ?? 'unknown'),
      h(
        'span',
        { class: 'badge health', 'data-health': view.health ?? 'unknown' },
        humanize(view.health ?? 'not checked'),
      ),
    ),
    h(
      'dl',
      { class: 'facts wide' },
      ...(options.host === null ? [] : fact('Host', boundedText(options.host))),
      ...fact('Critical', view.critical ? 'yes: restarted first, incidents at least high urgency' : 'no'),
      ...fact('Last check', view.verdict ? formatAgo(view.verdict.checkedAt, now) : '–'),
      ...fact('Restarts (Docker)', metrics ? String(metrics.restartCount) : '–'),
      ...fact('Restarts left this hour', view.restartsLeft === null ? '–' : String(view.restartsLeft)),
      ...fact('Container id', view.id.slice(0, 12)),
    ),
    problemList,
    healControls(view, options),
    h(
      'section',
      { class: 'charts', 'aria-label': 'Charts' },
      ...charts.map((spec) =>
        chart(
          spec,
          details.history,
          details.baselines.find((b) => b.metric === spec.baseline),
        ),
      ),
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'baseline-title' },
      h('div', { class: 'panel-head' }, h('h2', { id: 'baseline-title' }, 'Learned baseline')),
      baselineTable(details.baselines),
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'container-incidents-title' },
      h(
        'div',
        { class: 'panel-head' },
        h('h2', { id: 'container-incidents-title' }, 'Incidents'),
        h('span', { class: 'hint' }, 'last 24 h'),
      ),
      incidents.length > 0
        ? h('ol', { class: 'timeline' }, ...incidents)
        : h('p', { class: 'empty' }, 'No incidents in the last 24 hours.'),
    ),
  );
}

/**
 * A restart asked through the API (the policy still decides) for a container of this agent's
 * host; for another host's container, which agent to open instead: only it acts on its engine.
 */
function healControls(view: ContainerView, options: ContainerPageOptions): HTMLElement {
  if (!options.writable) {
    return h(
      'p',
      { class: 'elsewhere', id: 'heal-elsewhere' },
      `Restarts and approvals for this container are made by the agent on ${boundedText(view.host)}: open that agent's dashboard.`,
    );
  }
  return h(
    'div',
    { class: 'page-actions' },
    h(
      'button',
      {
        type: 'button',
        id: 'heal',
        class: 'primary',
        'data-heal': view.name,
        disabled: options.healBusy,
        title: 'Asks the agent to restart it; the healing policy (budget, backoff, approvals) still applies',
      },
      options.healBusy ? 'Restarting…' : 'Restart container',
    ),
  );
}

function chart(
  spec: ChartSpec,
  history: readonly MetricPoint[],
  baseline: ContainerBaseline | undefined,
): HTMLElement {
  const values = history.map((point) => point[spec.key]);
  const present = values.filter((value): value is number => typeof value === 'number');
  const stdDev = baseline ? Math.sqrt(Math.max(0, baseline.variance)) : 0;
  const bandHigh = baseline ? baseline.mean + 2 * stdDev : undefined;
  const bandLow = baseline ? Math.max(0, baseline.mean - 2 * stdDev) : undefined;
  // Scaled to the readings and the learned band (not from 0), so a drift inside "normal" shows.
  const span = [...present, ...(bandHigh === undefined ? [] : [bandHigh, bandLow!])];
  const top = span.length > 0 ? Math.max(...span) : spec.floor;
  const bottom = span.length > 0 ? Math.min(...span) : 0;
  const pad = Math.max((top - bottom) * 0.15, spec.floor / 4);
  const scaled = scaleSeries(values, width, height, { min: Math.max(0, bottom - pad), max: top + pad });
  const y = (value: number) => height - ((value - scaled.min) / (scaled.max - scaled.min || 1)) * height;
  const children: SVGElement[] = [
    svg('line', { class: 'axis', x1: '0', y1: String(height), x2: String(width), y2: String(height) }),
  ];
  if (baseline && bandHigh !== undefined && bandLow !== undefined && present.length > 0) {
    children.push(
      svg('rect', {
        class: 'band',
        x: '0',
        y: String(y(bandHigh)),
        width: String(width),
        height: String(Math.max(1, y(bandLow) - y(bandHigh))),
      }),
      svg('line', {
        class: 'mean',
        x1: '0',
        x2: String(width),
        y1: String(y(baseline.mean)),
        y2: String(y(baseline.mean)),
      }),
    );
  }
  children.push(
    svg('polyline', { class: 'series', points: scaled.points, 'vector-effect': 'non-scaling-stroke' }),
  );
  const latest = present.at(-1);
  const summary =
    present.length === 0
      ? 'no readings yet'
      : `latest ${spec.format(latest!)}, min ${spec.format(Math.min(...present))}, max ${spec.format(Math.max(...present))} over ${present.length} checks`;
  return h(
    'figure',
    { class: 'chart', 'data-metric': spec.key },
    h(
      'figcaption',
      {},
      h('span', { class: 'chart-title' }, spec.title),
      h('span', { class: 'chart-latest' }, latest === undefined ? '–' : spec.format(latest)),
    ),
    svg(
      'svg',
      {
        viewBox: `0 0 ${width} ${height}`,
        preserveAspectRatio: 'none',
        role: 'img',
        'aria-label': `${spec.title}: ${summary}`,
      },
      ...children,
    ),
    h(
      'p',
      { class: 'chart-legend' },
      `${spec.format(scaled.min)} – ${spec.format(scaled.max)}`,
      baseline
        ? ` · baseline ${spec.format(baseline.mean)} ± ${spec.format(2 * stdDev)} (2σ)`
        : ' · no baseline yet',
    ),
  );
}

function baselineTable(baselines: readonly ContainerBaseline[]): HTMLElement {
  if (baselines.length === 0)
    return h('p', { class: 'empty' }, 'Nothing learned yet: the baseline needs a few checks.');
  return h(
    'table',
    { class: 'baselines' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Metric', 'Mean', 'Std. dev.', 'Samples', 'Image'].map((title) =>
          h('th', { scope: 'col' }, title),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...baselines.map((baseline) => {
        const labels = baselineLabels[baseline.metric];
        return h(
          'tr',
          {},
          h('th', { scope: 'row' }, labels.label),
          h('td', {}, labels.format(baseline.mean)),
          h('td', {}, labels.format(Math.sqrt(Math.max(0, baseline.variance)))),
          h('td', {}, String(baseline.samples)),
          h('td', {}, baseline.image),
        );
      }),
    ),
  );
}

function fact(term: string, value: string): HTMLElement[] {
  return [h('dt', {}, term), h('dd', {}, value)];
}

export function setPageTitle(title: string): void {
  setText(document.querySelector('title')!, title);
}

export type { Incident };
