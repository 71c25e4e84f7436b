import { describe, expect, it } from 'vitest';
import { startPrivateCluster } from './private-cluster.js';

describe('a private PostgreSQL cluster', () => {
  it('answers, refuses connections once stopped, and answers again once started', async () => {
    await using cluster = await startPrivateCluster();
    expect(await cluster.accepting()).toBe(true);
    await cluster.stop();
    expect(await cluster.accepting()).toBe(false);
    await cluster.start();
    expect(await cluster.accepting()).toBe(true);
  });
});
