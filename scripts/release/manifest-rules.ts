import type { PackageManifest } from './publishable-packages.js';

/** Where the project lives; the package.json files and README links point here. */
export const repositoryUrl = 'https://github.com/website-monitor/website-monitor';

/** The package every adapter plugs into: one copy per application, so a peer dependency. */
export const corePackage = '@website-monitor/core';

/**
 * Applications, not libraries: they bring their own core and nobody passes their objects to
 * another copy of it.
 */
const applications = new Set(['@website-monitor/cli']);

/**
 * What a published package.json must say, as one line per problem (empty: fine). `packed` is the
 * manifest as it is inside the tarball, where pnpm has replaced every `workspace:` range; the
 * repository's own manifests use `workspace:^` for core and are checked with `packed: false`.
 */
export function manifestProblems(
  manifest: PackageManifest,
  options: { readonly folder: string; readonly packed: boolean; readonly coreVersion: string },
): readonly string[] {
  const problems: string[] = [];
  const where = manifest.name;
  if (manifest.license !== 'MIT')
    problems.push(`${where}: license is ${manifest.license ?? 'missing'}, not MIT`);
  const repository = manifest.repository;
  if (
    repository?.url !== `git+${repositoryUrl}.git` ||
    repository.directory !== `packages/${options.folder}`
  ) {
    problems.push(
      `${where}: repository must be { url: git+${repositoryUrl}.git, directory: packages/${options.folder} }`,
    );
  }
  if (manifest.homepage?.startsWith(`${repositoryUrl}/`) !== true)
    problems.push(`${where}: homepage is missing`);
  if (manifest.bugs?.url !== `${repositoryUrl}/issues`) problems.push(`${where}: bugs.url is missing`);
  if ((manifest.keywords ?? []).length === 0) problems.push(`${where}: no keywords`);
  // A scoped package is published as restricted (paid, private) unless told otherwise.
  if (manifest.publishConfig?.access !== 'public')
    problems.push(`${where}: publishConfig.access is not "public"`);
  if (manifest.type !== 'module') problems.push(`${where}: type is not "module"`);
  for (const required of ['dist', 'README.md', 'CHANGELOG.md', 'LICENSE']) {
    if (!(manifest.files ?? []).includes(required))
      problems.push(`${where}: files does not list ${required}`);
  }
  for (const [subpath, entry] of Object.entries(manifest.exports ?? {})) {
    if (typeof entry === 'string') continue;
    // `default` after `import`: a CommonJS project's require() reaches the ESM build (require(esm)).
    if (entry.types === undefined || entry.import === undefined || entry.default !== entry.import) {
      problems.push(`${where}: exports["${subpath}"] needs types, import and a default equal to import`);
    }
    if (Object.keys(entry)[0] !== 'types')
      problems.push(`${where}: exports["${subpath}"]: types must come first`);
  }

  const fields = ['dependencies', 'peerDependencies'] as const;
  if (options.packed) {
    for (const field of [...fields, 'devDependencies'] as const) {
      for (const [name, range] of Object.entries(manifest[field] ?? {})) {
        if (range.startsWith('workspace:'))
          problems.push(`${where}: ${field}.${name} is still ${range} in the tarball`);
      }
    }
  }
  const usesCore = fields.some((field) => manifest[field]?.[corePackage] !== undefined);
  if (manifest.name !== corePackage && usesCore) {
    const expected = options.packed ? `^${options.coreVersion}` : 'workspace:^';
    if (applications.has(manifest.name)) {
      if (manifest.dependencies?.[corePackage] !== expected) {
        problems.push(`${where}: an application depends on ${corePackage} ${expected}`);
      }
    } else {
      if (manifest.dependencies?.[corePackage] !== undefined) {
        problems.push(`${where}: ${corePackage} is a dependency; it must be a peer dependency`);
      }
      if (manifest.peerDependencies?.[corePackage] !== expected) {
        problems.push(
          `${where}: peerDependencies.${corePackage} is ${manifest.peerDependencies?.[corePackage] ?? 'missing'}, expected ${expected}`,
        );
      }
    }
  }
  return problems;
}
