import type { AgentAlert, Notification, Notifier } from '../ports/notifier.js';
import { answer, type Responder } from './responder.js';

/**
 * Records every notification; `respond` can make it fail or hang to prove healing never waits on it.
 *
 * @example
 * ```ts
 * import { RecordingNotifier } from '@website-monitor/core/testing';
 *
 * const notifier = new RecordingNotifier();
 * const agent = new WebsiteMonitorAgent({ config, runtime, notifier });
 * // ... a container keeps crashing ...
 * expect(notifier.kinds()).toContain('incident_escalated');
 * ```
 */
export class RecordingNotifier implements Notifier {
  readonly notifications: Notification[] = [];
  /** Agent alerts (spool full...), in the order they came. */
  readonly alerts: AgentAlert[] = [];
  #responder: Responder<Notification, void> = undefined;

  respond(responder: Responder<Notification, void>): void {
    this.#responder = responder;
  }

  async notify({ notification }: { readonly notification: Notification }): Promise<void> {
    this.notifications.push(notification);
    await answer(this.#responder, notification, this.notifications.length - 1);
  }

  async notifyAgentAlert({ alert }: { readonly alert: AgentAlert }): Promise<void> {
    this.alerts.push(alert);
  }

  kinds(): string[] {
    return this.notifications.map((n) => n.kind);
  }
}
