import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveFromSource } from './source-hooks.js';

/** A tiny workspace: `app` depends on `@website-monitor/lib` through a node_modules symlink. */
function workspace() {
  const root = mkdtempSync(join(tmpdir(), 'wm-source-hooks-'));
  const file = (path: string, text = '') => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  file('app/src/main.ts');
  file('app/src/commands/run.ts');
  file('app/src/legacy.js');
  file(
    'lib/package.json',
    JSON.stringify({
      exports: {
        '.': { types: './dist/index.d.ts', import: './dist/index.js' },
        './testing': { types: './dist/testing/index.d.ts', import: './dist/testing/index.js' },
      },
    }),
  );
  file('lib/src/index.ts');
  file('lib/src/testing/index.ts');
  mkdirSync(join(root, 'app/node_modules/@website-monitor'), { recursive: true });
  symlinkSync(join(root, 'lib'), join(root, 'app/node_modules/@website-monitor/lib'));
  const url = (path: string) => pathToFileURL(join(root, path)).href;
  return { url };
}

describe('resolveFromSource', () => {
  it('maps a .js import from a .ts file to the .ts file beside it', () => {
    const { url } = workspace();
    expect(resolveFromSource('./commands/run.js', url('app/src/main.ts'))).toBe(
      url('app/src/commands/run.ts'),
    );
    expect(resolveFromSource('../main.js', url('app/src/commands/run.ts'))).toBe(url('app/src/main.ts'));
  });

  it('leaves real .js files and imports from .js files alone', () => {
    const { url } = workspace();
    expect(resolveFromSource('./legacy.js', url('app/src/main.ts'))).toBeUndefined();
    expect(resolveFromSource('./commands/run.js', url('app/src/legacy.js'))).toBeUndefined();
  });

  it('maps a workspace package and its subpath exports from dist to src', () => {
    const { url } = workspace();
    expect(resolveFromSource('@website-monitor/lib', url('app/src/main.ts'))).toBe(url('lib/src/index.ts'));
    expect(resolveFromSource('@website-monitor/lib/testing', url('app/src/commands/run.ts'))).toBe(
      url('lib/src/testing/index.ts'),
    );
  });

  it('leaves other packages, unknown subpaths and missing packages to Node', () => {
    const { url } = workspace();
    expect(resolveFromSource('commander', url('app/src/main.ts'))).toBeUndefined();
    expect(resolveFromSource('node:fs', url('app/src/main.ts'))).toBeUndefined();
    expect(resolveFromSource('@website-monitor/lib/nope', url('app/src/main.ts'))).toBeUndefined();
    expect(resolveFromSource('@website-monitor/absent', url('app/src/main.ts'))).toBeUndefined();
  });
});
