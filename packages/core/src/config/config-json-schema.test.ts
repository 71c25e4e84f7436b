// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these configs use ${VAR} interpolation itself.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  configDocsFile,
  configSchemaFile,
  generateCheckedInConfigSchema,
} from '../../scripts/checked-in-config-schema.js';
import { builtInActionNames } from '../domain/action.js';
import { crossCheckConfig } from './config-cross-checks.js';
import { readConfigDocs } from './config-docs.js';
import { createConfigJsonSchema, type JsonSchema, lookupDocKey } from './config-json-schema.js';
import { createConfigSchema } from './config-schema.js';
import { validateConfigText } from './parse-monitor-config.js';

const repoRoot = new URL('../../../../', import.meta.url);
const checkedIn = JSON.parse(readFileSync(configSchemaFile, 'utf8')) as JsonSchema;

/** `patternErrorMessage` is the message VS Code's YAML extension shows for a pattern: an annotation here. */
const ajvOptions = { strict: true, allowUnionTypes: true, keywords: ['patternErrorMessage'] };

function compile(schema: JsonSchema): ValidateFunction {
  // Strict: a keyword ajv does not know, or a type-specific keyword without its type, is an error.
  return new Ajv({ ...ajvOptions, allErrors: true }).compile(schema);
}
const validateWithJsonSchema = compile(checkedIn);

/** Every `${NAME}` without a default gets a value that fits where such names are used. */
function environmentFor(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const match of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
    const name = match[1] ?? '';
    env[name] = name.endsWith('URL') ? 'https://hooks.example.test/hook' : 'value';
  }
  return env;
}

function bothVerdicts(text: string, env: Record<string, string> = environmentFor(text)) {
  const loader = validateConfigText({ text, env });
  const data = parse(text) ?? {};
  const jsonSchema = validateWithJsonSchema(data);
  return {
    loader: loader.ok,
    jsonSchema,
    loaderIssues: loader.issues.map((issue) => `${issue.path}: ${issue.message}`),
    jsonSchemaErrors: (validateWithJsonSchema.errors ?? []).map(
      (error) => `${error.instancePath} ${error.message}`,
    ),
  };
}

const sections = new Set(['monitoring', 'healing', 'claude', 'storage', 'api', 'notifications']);

/** YAML blocks of a Markdown page that are config files (or parts of one): only section keys at the top. */
function configBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((match) => match[1] ?? '')
    .filter((block) => {
      const value: unknown = parse(block);
      return (
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length > 0 &&
        Object.keys(value).every((key) => sections.has(key))
      );
    });
}

describe('config.schema.json', () => {
  it('is in step with the zod schema and docs/configuration.md (else: pnpm schema:update)', () => {
    expect(checkedIn, 'packages/core/config.schema.json is out of date: run pnpm schema:update').toEqual(
      generateCheckedInConfigSchema(),
    );
  });

  it('is draft-07 that ajv compiles in strict mode, and states its dialect', () => {
    expect(checkedIn.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(() => compile(checkedIn)).not.toThrow();
  });

  it('describes every key from docs/configuration.md, and every documented default is valid there', () => {
    const docs = readConfigDocs(readFileSync(configDocsFile, 'utf8'));
    const undocumented: string[] = [];
    const invalidDefaults: string[] = [];
    const ajv = new Ajv(ajvOptions);
    ajv.addSchema(checkedIn, 'config');
    const visit = (node: JsonSchema, path: string[], pointer: string) => {
      const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
      for (const [key, child] of Object.entries(properties)) {
        const childPath = [...path, key];
        const childPointer = `${pointer}/properties/${key}`;
        if (typeof child.description !== 'string') undocumented.push(childPath.join('.'));
        if (child.default !== undefined && !ajv.getSchema(`config#${childPointer}`)?.(child.default)) {
          invalidDefaults.push(`${childPath.join('.')}: ${JSON.stringify(child.default)}`);
        }
        visit(child, childPath, childPointer);
      }
      const items = node.items as JsonSchema | undefined;
      if (items !== undefined) visit(items, [...path, '[]'], `${pointer}/items`);
    };
    visit(checkedIn, [], '');
    const definitions = checkedIn.definitions as Record<string, JsonSchema>;
    visit(definitions.steps as JsonSchema, ['definitions', 'steps'], '/definitions/steps');
    expect(describedSteps(definitions), 'the step keys are described too').toBe(true);
    expect(undocumented, 'add a row to the key tables of docs/configuration.md').toEqual([]);
    expect(invalidDefaults).toEqual([]);
    // The docs are the source: a key's description is its table row.
    expect(lookupDocKey(docs, ['monitoring', 'containers', '[]', 'failure_threshold'])).toBe(
      'monitoring.defaults.failure_threshold',
    );
    const interval = (checkedIn.properties as Record<string, JsonSchema>).monitoring as JsonSchema;
    expect((interval.properties as Record<string, JsonSchema>).interval_seconds).toMatchObject({
      description: expect.stringContaining('Full pass over every container'),
      default: 30,
    });
  });

  it('accepts examples/config.yaml, as the loader does', () => {
    const text = readFileSync(new URL('examples/config.yaml', repoRoot), 'utf8');
    expect(bothVerdicts(text)).toMatchObject({ loader: true, jsonSchema: true });
    expect(text.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=\S+config\.schema\.json$/);
  });

  it('accepts every config in the docs and READMEs, as the loader does', () => {
    const pages = [
      'README.md',
      ...readdirSync(new URL('docs/', repoRoot)).map((name) => `docs/${name}`),
      ...readdirSync(new URL('packages/', repoRoot)).map((name) => `packages/${name}/README.md`),
    ].filter((page) => page.endsWith('.md') && existsSync(new URL(page, repoRoot)));
    const verdicts = pages.flatMap((page) =>
      configBlocks(readFileSync(new URL(page, repoRoot), 'utf8')).map((block) => ({
        page,
        block: block.split('\n')[0],
        ...bothVerdicts(block),
      })),
    );
    expect(verdicts.length).toBeGreaterThanOrEqual(4);
    expect(verdicts.filter((verdict) => !verdict.loader || !verdict.jsonSchema)).toEqual([]);
  });

  const seedFile = new URL('../shared/seed/website-monitor-agent.md', repoRoot);
  // Skipped only outside this workplace, where ../shared/seed (the product description) is not checked out beside the repo.
  it.skipIf(!existsSync(seedFile))("accepts the seed's configs as written, as the loader does", () => {
    const blocks = configBlocks(readFileSync(seedFile, 'utf8'));
    // The Configuration section and the Custom Healing Strategies section, at least.
    expect(blocks.some((block) => block.includes('interval_seconds: 30'))).toBe(true);
    expect(blocks.some((block) => block.includes('custom_script'))).toBe(true);
    for (const block of blocks) {
      expect(bothVerdicts(block), block).toMatchObject({ loader: true, jsonSchema: true });
    }
  });

  it('takes ${VAR} where a number, boolean or enum is expected, as the loader does', () => {
    const text = [
      'monitoring:',
      '  interval_seconds: ${INTERVAL:-30}',
      '  discovery: ${DISCOVERY:-listed}',
      '  defaults:',
      '    expected_status: ${STATUS:-200}',
      '    memory_percent_threshold: ${MEMORY_LIMIT:-90}',
      '  containers:',
      '    - name: ${APP_NAME:-web}',
      '      health_endpoint: ${APP_HEALTH_URL:-http://web:8080/health}',
      'healing:',
      '  dry_run: ${DRY_RUN:-false}',
      'storage:',
      '  url: ${DATABASE_URL:-}',
      '  spool_max_bytes: ${SPOOL_MAX:-256MiB}',
    ].join('\n');
    expect(bothVerdicts(text, {})).toMatchObject({ loader: true, jsonSchema: true });
  });

  it('knows plugin actions only when generated with them', () => {
    const text = 'healing:\n  auto_fix_actions: [reload_process]\n';
    expect(validateWithJsonSchema(parse(text))).toBe(false);
    const withPlugin = compile(createConfigJsonSchema({ knownActions: ['reload_process'] }));
    expect(withPlugin(parse(text))).toBe(true);
    expect(validateConfigText({ text, env: {}, knownActions: ['reload_process'] }).ok).toBe(true);
  });

  it('rejects what zod rejects and accepts what it accepts, over every mutation of a full config', () => {
    // The loader's checks after reading the YAML: the zod schema, then the rules across keys.
    // Built once here (the loader builds it per call, ~2 ms), so 1,300 mutations take about a second.
    const zodSchema = createConfigSchema({ knownActions: builtInActionNames });
    const zodAccepts = (data: unknown) =>
      zodSchema.safeParse(data).success && crossCheckConfig(data).length === 0;
    const mutations = mutationsOf(parse(fullConfig) as Record<string, unknown>);
    // Plain JSON values, which YAML writes and reads back unchanged (a sample goes through YAML below).
    const verdicts = mutations.map(({ where, config }) => ({
      where,
      zod: zodAccepts(config),
      jsonSchema: validateWithJsonSchema(config),
    }));
    const disagreements = verdicts.filter((verdict) => verdict.zod !== verdict.jsonSchema);
    expect(disagreements).toEqual([]);
    // Both sides are exercised: most mutations are wrong, some are still valid configs.
    const rejected = verdicts.filter((verdict) => !verdict.zod).length;
    expect(rejected).toBeGreaterThan(mutations.length / 2);
    expect(mutations.length - rejected).toBeGreaterThan(50);
    // The whole loader (YAML text, lines, interpolation) gives the same verdicts: every 25th mutation.
    const sample = mutations.filter((_, index) => index % 25 === 0);
    for (const [index, { where, config }] of sample.entries()) {
      expect(validateConfigText({ text: stringify(config), env: {} }).ok, where).toBe(
        verdicts[index * 25]?.zod,
      );
    }
    expect(bothVerdicts(fullConfig, {})).toMatchObject({ loader: true, jsonSchema: true });
    // About a second alone; a machine busy with other suites can take several times that.
  }, 30_000);

  it('rejects an unknown key, a wrong type, an out-of-range value and the checks zod runs in code, as the loader does', () => {
    const cases = {
      'unknown key': 'monitoring:\n  interval_secs: 30\n',
      'wrong type': 'healing:\n  dry_run: maybe\n',
      'out of range': 'claude:\n  diagnosis_wait_seconds: 601\n',
      'unknown action': 'healing:\n  auto_fix_actions: [restart_containr]\n',
      'relative script':
        'healing:\n  strategies:\n    custom_error:\n      - action: custom_script\n        script: fix.sh\n',
      'script on another action':
        'healing:\n  strategies:\n    custom_error:\n      - action: clear_cache\n        script: /fix.sh\n',
      'not postgres': 'storage:\n  url: mysql://db/monitor\n',
      'text_key on a slack webhook':
        'notifications:\n  webhooks:\n    - type: slack\n      url: https://hooks.example.test/x\n      text_key: text\n',
      'bad status': 'monitoring:\n  defaults:\n    expected_status: "200-700"\n',
      'bad size': 'storage:\n  spool_max_bytes: 12 parsecs\n',
    };
    for (const [name, text] of Object.entries(cases)) {
      expect(bothVerdicts(text, {}), name).toMatchObject({ loader: false, jsonSchema: false });
    }
  });
});

function describedSteps(definitions: Record<string, JsonSchema>): boolean {
  const step = (definitions.steps?.items ?? {}) as JsonSchema;
  const properties = Object.values((step.properties ?? {}) as Record<string, JsonSchema>);
  return properties.length > 0 && properties.every((property) => typeof property.description === 'string');
}

/** Every key of the schema, with a valid value, so that every key is mutated. */
const fullConfig = `
monitoring:
  interval_seconds: 30
  health_check_timeout: 10
  discovery: all
  enable_label: autoheal
  max_concurrent_checks: 16
  trust_labels: false
  defaults:
    check_interval_seconds: 10
    probe_interval_seconds: 3
    confirm_interval_seconds: 0.5
    expected_status: "200-399"
    failure_threshold: 3
    success_threshold: 1
    start_period_seconds: 5
    memory_percent_threshold: 90
    cpu_percent_threshold: null
    response_time_ms_threshold: 10000
    max_restarts_per_hour: 3
    auto_restart: true
    critical: false
  containers:
    - name: web
      health_endpoint: http://web:8080/health
      depends_on: [db]
      ignore: false
      expected_status: [200, "300-302"]
      failure_threshold: 5
      critical: true
      stop_timeout_seconds: 20
    - name: /db
healing:
  auto_heal_enabled: true
  dry_run: false
  auto_fix_actions: [container_restart, clear_cache]
  manual_approval_required: [database_migration]
  strategies:
    container_stopped:
      - action: restart_container
        max_attempts: 3
        backoff_seconds: 10
        timeout_seconds: 30
    high_memory_usage:
      - action: restart_if_above_threshold
        threshold_percent: 90
    custom_error:
      - action: custom_script
        script: /app/scripts/custom_fix.sh
  cause_plans:
    disk_full:
      - action: clear_cache
  min_confidence: 60
  stop_timeout_seconds: 10
  max_concurrent_restarts: 2
  backoff_initial_seconds: 1
  backoff_max_seconds: 1000
  respect_operator_stops: true
  restart_dependents: false
  restart_policy_grace_seconds: 5
  resolve_after_seconds: 10
  reopen_window_seconds: 600
  dependency_wait_seconds: 60
claude:
  enabled: false
  model: claude-sonnet-4-5-20250929
  use_for_diagnosis: true
  diagnosis_wait_seconds: 10
storage:
  url: postgres://monitor@db:5432/monitor
  path: ./monitor.db
  retention_days: 30
  incident_retention_days: 365
  spool_path: ./spool.db
  spool_max_bytes: 256MiB
api:
  allowed_hosts: [monitor.example.com, "*.example.com", 192.168.1.10, "[fd00::1]", "*"]
notifications:
  enabled: true
  webhooks:
    - name: ops
      type: json
      url: https://hooks.example.test/ops
      kinds: [incident_opened, incident_escalated]
      headers:
        authorization: Bearer token
      timeout_ms: 5000
      retries: 4
      text_key: text
`;

/** Values of every type, and numbers just outside the usual ranges (0, negative, fractions, > 100, > 599). */
const wrongValues: readonly unknown[] = [
  'text',
  '',
  -1,
  0,
  1.5,
  101,
  700,
  true,
  null,
  [],
  [1],
  { unknown_key: 1 },
];

/** One changed value (or one added key) per mutation, at every node of the config. */
function mutationsOf(config: Record<string, unknown>): { where: string; config: unknown }[] {
  const mutations: { where: string; config: unknown }[] = [];
  const visit = (node: unknown, path: (string | number)[]) => {
    if (path.length > 0) {
      for (const value of wrongValues) {
        mutations.push({
          where: `${path.join('.')} = ${JSON.stringify(value)}`,
          config: replaced(config, path, value),
        });
      }
    }
    if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) visit(item, [...path, index]);
    } else if (typeof node === 'object' && node !== null) {
      mutations.push({
        where: `${path.join('.') || '(root)'} + unknown_key`,
        config: replaced(config, path, { ...node, unknown_key: 1 }),
      });
      for (const [key, value] of Object.entries(node)) visit(value, [...path, key]);
    }
  };
  visit(config, []);
  return mutations;
}

function replaced(config: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(config)) {
    return config.map((item, index) => (index === head ? replaced(item, rest, value) : item));
  }
  const record = config as Record<string, unknown>;
  return { ...record, [head]: replaced(record[head], rest, value) };
}
