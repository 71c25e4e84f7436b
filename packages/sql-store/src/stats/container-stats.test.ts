import { contractHealingAction, contractHealthSample, contractIncident } from '@website-monitor/core/testing';
import { describe, expect, it } from 'vitest';
import {
  actionContribution,
  incidentContribution,
  negate,
  sampleContribution,
  sumContributions,
} from './container-stats.js';

describe('stats contributions', () => {
  it('a replayed row contributes nothing: new minus old is zero', () => {
    const incident = contractIncident({ autoHealed: true });
    const [sum] = sumContributions([incidentContribution(incident), negate(incidentContribution(incident))]);
    expect(sum).toMatchObject({ incidents: 0, autoHealedIncidents: 0, seenAt: incident.updatedAt });
  });

  it('an incident becoming auto-healed adds one healed incident and no incident', () => {
    const open = contractIncident();
    const healed = contractIncident({ status: 'resolved', autoHealed: true, updatedAt: open.updatedAt + 5 });
    const [sum] = sumContributions([incidentContribution(healed), negate(incidentContribution(open))]);
    expect(sum).toMatchObject({ incidents: 0, autoHealedIncidents: 1, seenAt: healed.updatedAt });
  });

  it('counts a restart once it was attempted, under either of its names', () => {
    expect(actionContribution(contractHealingAction({ result: 'pending' })).restarts).toBe(0);
    expect(actionContribution(contractHealingAction({ result: 'dry_run' })).restarts).toBe(0);
    expect(actionContribution(contractHealingAction({ result: 'failed' })).restarts).toBe(1);
    expect(
      actionContribution(contractHealingAction({ action: 'container_restart', result: 'succeeded' }))
        .restarts,
    ).toBe(1);
    expect(
      actionContribution(contractHealingAction({ action: 'clear_cache', result: 'succeeded' })).restarts,
    ).toBe(0);
  });

  it('sums per container, in a fixed order, keeping the latest time seen', () => {
    const sums = sumContributions([
      sampleContribution(contractHealthSample({ containerName: 'web', checkedAt: 5, healthy: false })),
      sampleContribution(contractHealthSample({ containerName: 'api', checkedAt: 9 })),
      sampleContribution(contractHealthSample({ containerName: 'web', checkedAt: 7 })),
    ]);
    expect(sums.map((s) => [s.containerName, s.checks, s.failures, s.seenAt])).toEqual([
      ['api', 1, 0, 9],
      ['web', 2, 1, 7],
    ]);
  });
});
