import type { HostSummary } from '../api/api-types.js';
import { boundedText, describeFleet, describeHost } from '../hosts/host-health.js';
import { everyHost, routeHash } from '../hosts/host-route.js';
import { h } from './dom.js';

/**
 * The host picker: "All hosts", then one entry per host with its health from its agent's last
 * report. Hidden while the fleet has one host, so a single-host user sees no change. `picked` is
 * the host shown (the serving agent's when none is in the address) or `*`.
 */
export function renderHostPicker(
  root: HTMLElement,
  list: HTMLElement,
  hosts: readonly HostSummary[],
  picked: string,
  now: number,
): void {
  root.hidden = hosts.length <= 1;
  if (root.hidden) {
    list.replaceChildren();
    return;
  }
  const focused = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('[data-host]')?.dataset
    .host;
  const fleet = h(
    'li',
    {},
    h(
      'a',
      {
        class: 'host-entry fleet',
        href: routeHash({ host: everyHost, container: null }),
        'data-host': everyHost,
        'aria-current': picked === everyHost ? 'page' : undefined,
      },
      h('span', { class: 'host-name' }, 'All hosts'),
      h('span', { class: 'host-counts' }, describeFleet(hosts)),
    ),
  );
  const entries = hosts.map((host) => {
    const view = describeHost(host, now);
    return h(
      'li',
      {},
      h(
        'a',
        {
          class: 'host-entry',
          href: routeHash({ host: host.host, container: null }),
          title: view.title,
          'data-host': host.host,
          'data-state': view.state,
          'data-reporting': String(host.reporting),
          'aria-current': picked === host.host ? 'page' : undefined,
        },
        h(
          'span',
          { class: 'host-name' },
          h('span', { class: 'host-dot', 'aria-hidden': 'true' }),
          view.label,
          view.self
            ? h('span', { class: 'badge self', title: 'The agent serving this page' }, 'this agent')
            : null,
          view.role ? h('span', { class: 'badge role' }, view.role) : null,
        ),
        h('span', { class: 'host-counts' }, view.counts),
        h('span', { class: 'host-seen', 'data-reporting': String(host.reporting) }, view.seen),
      ),
    );
  });
  list.replaceChildren(fleet, ...entries);
  if (focused !== undefined) list.querySelector<HTMLElement>(`[data-host="${CSS.escape(focused)}"]`)?.focus();
}

/**
 * Under the picker, when one other host is shown: what is on the page is that host's agent's
 * last report to the shared store, and whether that agent still reports.
 */
export function renderScopeNote(
  note: HTMLElement,
  picked: string,
  host: HostSummary | undefined,
  self: boolean,
  now: number,
): void {
  if (self || picked === everyHost || !host) {
    note.hidden = true;
    note.replaceChildren();
    return;
  }
  const view = describeHost(host, now);
  note.hidden = false;
  note.dataset.reporting = String(host.reporting);
  note.replaceChildren(
    h('strong', { title: view.title }, boundedText(host.host)),
    host.reporting
      ? `: read from the shared store, as its agent reported it (${view.seen}). Healing and approvals happen on that host's own agent: open its dashboard to act.`
      : `: its agent is ${view.seen}. What is shown is its last report; nothing on that host is being watched or healed until its agent is back.`,
  );
}
