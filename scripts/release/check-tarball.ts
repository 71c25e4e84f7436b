import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { manifestProblems } from './manifest-rules.js';
import type { PackedPackage } from './pack-package.js';
import { runCommand } from './run-command.js';

export interface TarballCheck {
  readonly name: string;
  /** One line per problem; empty when the tarball is fine. */
  readonly problems: readonly string[];
  /** publint's suggestions: reported, not failing. */
  readonly suggestions: readonly string[];
}

/**
 * Everything checked on one packed package without installing it: the manifest as packed, the
 * files it ships, imports it does not declare, README links, publint (strict) and
 * are-the-types-wrong (`esm-only`: CommonJS reaches these packages through require(esm), which
 * the CJS consumer project proves, not through a CJS build).
 */
export async function checkTarball(
  packed: PackedPackage,
  options: { readonly coreVersion: string; readonly attwBin: string; readonly timeoutMs: number },
): Promise<TarballCheck> {
  const problems: string[] = [
    ...manifestProblems(packed.manifest, {
      folder: packed.folder,
      packed: true,
      coreVersion: options.coreVersion,
    }),
    ...shippedFileProblems(packed),
    ...undeclaredImports(packed),
    ...readmeLinkProblems(packed),
  ];

  // A copy: a Buffer can be a view into a larger shared pool, which publint would read whole.
  const tarball = new Uint8Array(readFileSync(packed.tarball)).buffer;
  const lint = await publint({
    pack: { tarball },
    level: 'suggestion',
    strict: true,
  });
  const suggestions: string[] = [];
  for (const message of lint.messages) {
    const line = `${packed.name}: publint ${message.type}: ${formatMessage(message, lint.pkg, { color: false }) ?? message.code}`;
    (message.type === 'suggestion' ? suggestions : problems).push(line);
  }

  const attw = await runCommand(options.attwBin, [packed.tarball, '--profile', 'esm-only', '--no-color'], {
    cwd: packed.unpackedDir,
    timeoutMs: options.timeoutMs,
  });
  if (attw.exitCode !== 0) problems.push(`${packed.name}: are-the-types-wrong:\n${attw.output.trim()}`);

  return { name: packed.name, problems, suggestions };
}

function shippedFileProblems(packed: PackedPackage): string[] {
  const problems: string[] = [];
  const files = new Set(packed.files);
  for (const required of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE']) {
    if (!files.has(required)) problems.push(`${packed.name}: the tarball has no ${required}`);
  }
  const targets = [
    ...Object.values(packed.manifest.exports ?? {}).flatMap((entry) =>
      typeof entry === 'string' ? [entry] : Object.values(entry),
    ),
    ...Object.values(packed.manifest.bin ?? {}),
  ];
  for (const target of new Set(targets)) {
    if (!files.has(target.replace(/^\.\//, '')))
      problems.push(`${packed.name}: ${target} is exported but not shipped`);
  }
  for (const file of packed.files) {
    if (/(^|\/)src\/|\.test\.[cm]?[jt]s$|(^|\/)\.env/.test(file))
      problems.push(`${packed.name}: ships ${file}`);
  }
  return problems;
}

/** Bare specifiers imported by the shipped JavaScript that no dependency or peer provides. */
function undeclaredImports(packed: PackedPackage): string[] {
  const declared = new Set([
    packed.name,
    ...Object.keys(packed.manifest.dependencies ?? {}),
    ...Object.keys(packed.manifest.peerDependencies ?? {}),
  ]);
  const builtins = new Set(builtinModules);
  const importPattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']([^"'./][^"']*)["']/g;
  const missing = new Set<string>();
  for (const file of packed.files.filter((path) => /\.(m?js|d\.ts)$/.test(path))) {
    // Without comments: doc comments show imports of other packages in their examples.
    const text = readFileSync(join(packed.unpackedDir, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    for (const match of text.matchAll(importPattern)) {
      const specifier = match[1] as string;
      if (specifier.startsWith('node:') || builtins.has(specifier)) continue;
      const name = specifier.startsWith('@')
        ? specifier.split('/').slice(0, 2).join('/')
        : (specifier.split('/')[0] as string);
      if (!declared.has(name)) missing.add(`${name} (${file})`);
    }
  }
  return [...missing].map((entry) => `${packed.name}: imports ${entry} without declaring it`);
}

/** The registry page shows the README alone: a relative link there leads nowhere. */
function readmeLinkProblems(packed: PackedPackage): string[] {
  if (!packed.files.includes('README.md')) return [];
  const readme = readFileSync(join(packed.unpackedDir, 'README.md'), 'utf8');
  const targets = [
    ...[...readme.matchAll(/\]\(\s*([^)\s]+)[^)]*\)/g)].map((match) => match[1] as string),
    ...[...readme.matchAll(/^\[[^\]]+\]:\s*(\S+)/gm)].map((match) => match[1] as string),
  ];
  return targets
    .filter((target) => !/^(https?:|mailto:|#)/.test(target))
    .map((target) => `${packed.name}: README links to ${target}, which does not exist on the registry page`);
}
