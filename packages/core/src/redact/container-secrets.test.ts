import { describe, expect, it } from 'vitest';
import { containerSecretValues } from './container-secrets.js';

const inspect = (labels: Record<string, string>, env: string[] = ['DB_PASSWORD=hunter2-and-more']) => ({
  id: 'c0ffee',
  labels: { ...labels },
  env: [...env],
});

describe('containerSecretValues', () => {
  it('takes the values of secret-named env and labels, and URL passwords', () => {
    expect(
      containerSecretValues({
        labels: { 'app.api_token': 'tok-123456', app: 'shop' },
        env: ['DATABASE_URL=postgres://app:s3cret-pw@db/shop', 'NODE_ENV=production'],
      }),
    ).toEqual(expect.arrayContaining(['tok-123456', 's3cret-pw']));
  });

  it('does not search a container again at every check while its env and labels are unchanged', () => {
    const blob = 'postgres://user:'.repeat(1_000);
    const first = containerSecretValues(inspect({ blob }));
    // A new answer of the engine: new objects, same content, same id.
    const second = containerSecretValues(inspect({ blob }));
    expect(second).toBe(first);
    const changed = containerSecretValues(inspect({ blob, 'app.secret': 'now-a-secret' }));
    expect(changed).not.toBe(first);
    expect(changed).toContain('now-a-secret');
    const otherEnv = containerSecretValues(
      inspect({ blob, 'app.secret': 'now-a-secret' }, ['API_KEY=abcdefgh']),
    );
    expect(otherEnv).toContain('abcdefgh');
    expect(otherEnv).not.toContain('hunter2-and-more');
  });
});
