import type { ApprovalRequest } from '../api/api-types.js';
import { formatAgo, humanize } from '../format/format.js';
import { boundedText } from '../hosts/host-health.js';
import { containerHref, h } from './dom.js';

export type ApprovalDecision = 'approve' | 'reject';

/**
 * Pending requests, oldest first, each with Approve and Reject buttons; `readOnlyHost` names the
 * host whose agent alone may decide them (another host's queue shows no buttons).
 */
export function renderApprovals(
  list: HTMLElement,
  approvals: readonly ApprovalRequest[],
  busy: ReadonlySet<string>,
  now: number,
  options: { readonly readOnlyHost: string | null; readonly hostLinks: boolean } = {
    readOnlyHost: null,
    hostLinks: false,
  },
): void {
  const sorted = [...approvals].sort((a, b) => a.requestedAt - b.requestedAt);
  list.replaceChildren(
    ...sorted.map((approval) => {
      const label = `${humanize(approval.action)} on ${approval.containerName}`;
      const disabled = busy.has(approval.id);
      return h(
        'li',
        { class: 'approval', 'data-approval-id': approval.id, 'data-container': approval.containerName },
        h(
          'div',
          { class: 'approval-head' },
          h('strong', {}, humanize(approval.action)),
          ' on ',
          h(
            'a',
            { href: containerHref(approval.containerName, options.hostLinks ? approval.host : null) },
            approval.containerName,
          ),
          h(
            'time',
            { datetime: new Date(approval.requestedAt).toISOString() },
            formatAgo(approval.requestedAt, now),
          ),
        ),
        h('p', { class: 'reason' }, approval.reason),
        options.readOnlyHost !== null
          ? h(
              'p',
              { class: 'elsewhere' },
              `Only the agent on ${boundedText(options.readOnlyHost)} can approve or reject: open its dashboard.`,
            )
          : h(
              'div',
              { class: 'approval-actions' },
              h(
                'button',
                {
                  type: 'button',
                  class: 'primary',
                  'data-decision': 'approve',
                  'aria-label': `Approve ${label}`,
                  disabled,
                },
                'Approve',
              ),
              h(
                'button',
                {
                  type: 'button',
                  class: 'danger',
                  'data-decision': 'reject',
                  'aria-label': `Reject ${label}`,
                  disabled,
                },
                'Reject',
              ),
            ),
      );
    }),
  );
}
