import type { ApiClient } from '../api/api-client.js';
import type { HealingOutcomeResponse } from '../api/api-types.js';

/**
 * The container page's Restart button: asks this agent to restart the container after a
 * confirmation; the healing policy still decides (budget, backoff, approvals), and the page says
 * what it decided. Offered only for this agent's own host (`mayHeal`).
 */
export function wireHealButton(options: {
  readonly root: HTMLElement;
  readonly api: ApiClient;
  readonly mayHeal: () => boolean;
  readonly onBusy: (busy: boolean) => void;
  readonly notify: (message: unknown) => void;
}): void {
  let busy = false;
  options.root.addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-heal]');
    const name = button?.dataset.heal;
    if (!name || busy || !options.mayHeal()) return;
    if (!window.confirm(`Restart ${name}? The healing policy still applies (budget, backoff, approvals).`))
      return;
    void heal(name);
  });

  async function heal(name: string): Promise<void> {
    busy = true;
    options.onBusy(true);
    try {
      const outcome = await options.api.post<HealingOutcomeResponse>(
        `/monitor/heal/${encodeURIComponent(name)}`,
        { reason: 'requested from the dashboard' },
      );
      options.notify(
        outcome.kind === 'ask_approval'
          ? `Restart of ${name} waits for approval: ${outcome.reason}`
          : `Restart of ${name}: ${outcome.reason}`,
      );
    } catch (error) {
      options.notify(error);
    } finally {
      busy = false;
      options.onBusy(false);
    }
  }
}
