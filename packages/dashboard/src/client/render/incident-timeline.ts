import type { HealingActionRecord, Incident } from '../api/api-types.js';
import { formatAgo, formatClock, formatMs, humanize } from '../format/format.js';
import { boundedText } from '../hosts/host-health.js';
import { containerHref, h } from './dom.js';

type ActionLine = HealingActionRecord | { readonly action: string };

/** `fleet`: every host is shown, so each incident names its host; `hostLinks`: links name the host. */
export interface TimelineMode {
  readonly fleet: boolean;
  readonly hostLinks: boolean;
}

const singleHost: TimelineMode = { fleet: false, hostLinks: false };

/** Incidents newest first, each with its diagnosis and every action taken. */
export function renderIncidents(
  list: HTMLElement,
  incidents: readonly Incident[],
  actionsOf: (incident: Incident) => readonly ActionLine[],
  now: number,
  mode: TimelineMode = singleHost,
  limit = 50,
): void {
  const sorted = [...incidents].sort((a, b) => b.openedAt - a.openedAt);
  const items = sorted
    .slice(0, limit)
    .map((incident) => incidentItem(incident, actionsOf(incident), now, mode));
  if (sorted.length > limit)
    items.push(h('li', { class: 'more' }, `${sorted.length - limit} older incidents not shown`));
  list.replaceChildren(...items);
}

export function incidentItem(
  incident: Incident,
  actions: readonly ActionLine[],
  now: number,
  mode: TimelineMode = singleHost,
): HTMLLIElement {
  const diagnosis = incident.diagnosis;
  return h(
    'li',
    {
      class: 'incident',
      'data-status': incident.status,
      'data-incident-id': incident.id,
      'data-container': incident.containerName,
      'data-host': incident.host,
    },
    h(
      'div',
      { class: 'incident-head' },
      h('span', { class: 'badge status', 'data-status': incident.status }, humanize(incident.status)),
      mode.fleet
        ? h(
            'span',
            { class: 'badge host', title: boundedText(incident.host, 300) },
            boundedText(incident.host),
          )
        : null,
      h(
        'a',
        {
          class: 'incident-container',
          href: containerHref(incident.containerName, mode.hostLinks ? incident.host : null),
        },
        incident.containerName,
      ),
      h('span', { class: 'trigger' }, humanize(incident.trigger)),
      h(
        'time',
        {
          datetime: new Date(incident.openedAt).toISOString(),
          title: new Date(incident.openedAt).toString(),
        },
        `${formatClock(incident.openedAt)} · ${formatAgo(incident.openedAt, now)}`,
      ),
    ),
    incident.problems[0] ? h('p', { class: 'problem' }, incident.problems[0].message) : null,
    diagnosis
      ? h(
          'div',
          { class: 'diagnosis' },
          h('p', { class: 'diagnosis-text' }, diagnosis.diagnosis),
          h(
            'dl',
            { class: 'facts' },
            fact('Source', diagnosis.source === 'model' ? 'model (Claude)' : diagnosis.source),
            fact('Confidence', `${Math.round(diagnosis.confidence)}%`),
            fact('Urgency', diagnosis.urgency),
            fact('Recommends', humanize(diagnosis.recommendedAction)),
          ),
          diagnosis.reasoning
            ? h('details', {}, h('summary', {}, 'Reasoning'), h('p', {}, diagnosis.reasoning))
            : null,
        )
      : h('p', { class: 'diagnosis pending' }, 'Diagnosis pending'),
    actions.length > 0
      ? h('ol', { class: 'actions', 'aria-label': 'Actions taken' }, ...actions.map(actionItem))
      : null,
    incident.escalationReason ? h('p', { class: 'escalation' }, incident.escalationReason) : null,
    incident.resolvedAt !== null
      ? h(
          'p',
          { class: 'resolution' },
          `${incident.autoHealed ? 'Healed' : 'Resolved'} after ${formatMs(incident.resolvedAt - incident.openedAt)}`,
        )
      : null,
  );
}

function fact(term: string, value: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  fragment.append(h('dt', {}, term), h('dd', {}, value));
  return fragment;
}

function actionItem(line: ActionLine): HTMLLIElement {
  if (!('result' in line))
    return h('li', { class: 'action' }, h('span', { class: 'action-name' }, humanize(line.action)));
  const parts = [`by ${line.decidedBy}`];
  if (line.durationMs !== null && line.durationMs > 0) parts.push(formatMs(line.durationMs));
  return h(
    'li',
    { class: 'action' },
    h('span', { class: 'result', 'data-result': line.result }, humanize(line.result)),
    h('span', { class: 'action-name' }, humanize(line.action)),
    h('span', { class: 'action-meta' }, parts.join(' · ')),
    line.error || line.detail ? h('span', { class: 'action-detail' }, line.error ?? line.detail ?? '') : null,
  );
}
