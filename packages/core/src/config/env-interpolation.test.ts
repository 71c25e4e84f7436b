// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings test ${VAR} interpolation itself.
import { describe, expect, it } from 'vitest';
import { interpolateEnv } from './env-interpolation.js';

describe('interpolateEnv', () => {
  const env = { HOST: 'db', PORT: '5432', EMPTY: '' };

  it('replaces variables and reports that it did', () => {
    expect(interpolateEnv('postgres://${HOST}:${PORT}/app', env)).toEqual({
      ok: true,
      value: 'postgres://db:5432/app',
      replaced: true,
    });
    expect(interpolateEnv('plain', env)).toEqual({ ok: true, value: 'plain', replaced: false });
  });

  it('uses the default when the variable is unset or empty', () => {
    expect(interpolateEnv('${MISSING:-fallback}', env)).toMatchObject({ value: 'fallback' });
    expect(interpolateEnv('${EMPTY:-fallback}', env)).toMatchObject({ value: 'fallback' });
    expect(interpolateEnv('${EMPTY}', env)).toMatchObject({ ok: true, value: '' });
    expect(interpolateEnv('${MISSING:-}', env)).toMatchObject({ ok: true, value: '' });
  });

  it('keeps $$ as a literal dollar and leaves other dollars alone', () => {
    expect(interpolateEnv('cost $$5 and $HOME and a$', env)).toMatchObject({
      value: 'cost $5 and $HOME and a$',
    });
  });

  it('names every missing variable', () => {
    expect(interpolateEnv('${A}/${B}', env)).toEqual({
      ok: false,
      message: 'environment variable ${A}, ${B} is not set (give a default with ${NAME:-value})',
    });
  });

  it('rejects malformed references', () => {
    expect(interpolateEnv('${HOST', env)).toMatchObject({
      ok: false,
      message: expect.stringContaining('unclosed'),
    });
    expect(interpolateEnv('${1X}', env)).toMatchObject({
      ok: false,
      message: expect.stringContaining('not a valid'),
    });
  });
});
