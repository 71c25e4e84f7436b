import { z } from 'zod';
import { actionAliases, builtInActionNames, serviceActionNames } from '../domain/action.js';
import type { ConfigDocs } from './config-docs.js';
import { createConfigSchema } from './config-schema.js';

/** A JSON Schema document or subschema, as plain data. */
export type JsonSchema = { [keyword: string]: unknown };

export interface ConfigJsonSchemaOptions {
  /** Action names registered by plugins, accepted besides the built-in ones. */
  readonly knownActions?: readonly string[];
  /** Descriptions and defaults for the keys (`readConfigDocs` over docs/configuration.md). */
  readonly docs?: ConfigDocs;
}

/**
 * Where an editor finds the schema: the file ships in `@website-monitor/core` and is exported as
 * `@website-monitor/core/config.schema.json`.
 */
export const configJsonSchemaFileName = 'config.schema.json';

/**
 * A `${NAME}` or `${NAME:-default}` reference (see env-interpolation.ts) somewhere in the text.
 * Negated classes only, no nested quantifiers: linear in the value.
 */
const envReferencePattern = '\\$\\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\\}';
const envReference = { $ref: '#/definitions/env_reference' } as const;

/**
 * The JSON Schema (draft-07, which the VS Code YAML extension and JetBrains IDEs both read) of a
 * `config.yaml` as a person writes it, generated from the zod schema the loader validates with.
 *
 * zod's own conversion (`io: 'input'`) gives the structure, the snake_case keys, types, ranges,
 * enums and strictness. On top of it, from what the loader does before and around zod:
 * - a section or list left empty (`healing:`) is YAML null, which zod's preprocess accepts: found
 *   by asking the zod schema itself at every key, so the JSON Schema allows null exactly there;
 * - `${VAR}` references are replaced before zod sees the file, so wherever a number, a boolean or
 *   a constrained string is expected, a string holding a reference is accepted too;
 * - every check zod runs in code (a refine or a transform) has a rule below saying what JSON
 *   Schema can express of it; a check without one fails the generation, so a new refinement
 *   cannot silently go missing from the schema.
 */
export function createConfigJsonSchema(options: ConfigJsonSchemaOptions = {}): JsonSchema {
  const knownActions = unique([
    ...builtInActionNames,
    ...serviceActionNames,
    ...(options.knownActions ?? []),
  ]);
  const actionNames = unique([
    ...knownActions,
    ...Object.entries(actionAliases)
      .filter(([, target]) => knownActions.includes(target))
      .map(([alias]) => alias),
  ]);
  const zodSchema = createConfigSchema({ knownActions });
  const generated = z.toJSONSchema(zodSchema, { target: 'draft-07', io: 'input' }) as JsonSchema;
  const { $schema: dialect, ...root } = generated;

  const rules = valueRules();
  const context: WalkContext = { rules, docs: options.docs };
  const shaped = shape(root, zodSchema, [], context);

  const steps = extractSteps(shaped);
  return {
    $schema: dialect,
    title: 'website-monitor config.yaml',
    description:
      'The configuration file of the website-monitor agent. Every key is optional: an empty file watches every container with the defaults. See docs/configuration.md.',
    ...shaped,
    definitions: {
      env_reference: {
        type: 'string',
        pattern: envReferencePattern,
        description:
          // biome-ignore lint/suspicious/noTemplateCurlyInString: it shows the ${VAR} syntax.
          "A ${NAME} or ${NAME:-default} reference, replaced from the agent's environment when the file is read. Unquoted, a result such as 30 or true is read as a number or boolean; the result must then fit this key.",
      },
      action_name: {
        description:
          "A healing action: a built-in one (container_restart is another spelling of restart_container) or, when generated with them, a plugin's.",
        anyOf: [{ type: 'string', enum: actionNames }, envReference],
      },
      steps,
    },
  };
}

type Path = readonly string[];

interface WalkContext {
  readonly rules: Readonly<Record<string, Rule>>;
  readonly docs: ConfigDocs | undefined;
}

/** Turns the JSON Schema zod generated for a value checked in code into what JSON Schema can say. */
type Rule = (generated: JsonSchema) => JsonSchema;

/**
 * The checks zod runs in code, by key (`*` stands for every problem kind or cause), each with the
 * JSON Schema that says as much of it as JSON Schema can. What stays out is listed in
 * docs/configuration.md ("Editor support").
 */
function valueRules(): Record<string, Rule> {
  const expectedStatus: Rule = () => ({
    anyOf: [
      statusCode,
      { type: 'string', pattern: `^${statusRange}(?:,${statusRange})*$`, patternErrorMessage: statusMessage },
      {
        type: 'array',
        minItems: 1,
        items: {
          anyOf: [
            statusCode,
            { type: 'string', pattern: `^${statusRange}$`, patternErrorMessage: statusMessage },
          ],
        },
      },
    ],
  });
  const httpUrl: Rule = () => ({
    type: 'string',
    pattern: `^${caseless('http')}[sS]?://[^/?#@]`,
    patternErrorMessage: 'expected an http:// or https:// URL',
  });
  // One list for every place an action is named: a plugin's actions are added to it alone.
  const actionName: Rule = () => ({ $ref: '#/definitions/action_name' });
  const step: Rule = (generated) => ({
    ...generated,
    if: { properties: { action: { const: 'custom_script' } }, required: ['action'] },
    // The script runs on the agent's host: only an absolute path is unambiguous.
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else keywords.
    then: {
      required: ['script'],
      properties: {
        script: {
          anyOf: [
            { type: 'string', pattern: '^/', patternErrorMessage: 'script must be an absolute path' },
            envReference,
          ],
        },
      },
    },
    else: { properties: { script: false } },
  });
  return {
    'monitoring.defaults.expected_status': expectedStatus,
    'monitoring.containers[].expected_status': expectedStatus,
    // The transform only drops a leading `/`, which the generated pattern already allows.
    'monitoring.containers[].name': (generated) => ({
      ...generated,
      patternErrorMessage: 'expected a Docker container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)',
    }),
    'monitoring.containers[].health_endpoint': httpUrl,
    'notifications.webhooks[].url': httpUrl,
    // Not expressed: that the key is none of the payload's own (kind, message...).
    'notifications.webhooks[].text_key': (generated) => generated,
    'notifications.webhooks[]': (generated) => ({
      ...generated,
      if: { properties: { type: { const: 'slack' } }, required: ['type'] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else keywords.
      then: { properties: { text_key: false } },
    }),
    'healing.auto_fix_actions[]': actionName,
    'healing.manual_approval_required[]': actionName,
    'healing.strategies.*[]': step,
    'healing.strategies.*[].action': actionName,
    'healing.cause_plans.*[]': step,
    'healing.cause_plans.*[].action': actionName,
    // Empty (`url: ${DATABASE_URL:-}`) means the embedded SQLite file; else a PostgreSQL URL.
    'storage.url': () => ({
      type: 'string',
      pattern: `^(?:$|${caseless('postgres')}(?:${caseless('ql')})?:)`,
      patternErrorMessage:
        'expected a postgres:// or postgresql:// URL (leave storage.url out for the embedded SQLite file)',
    }),
    'storage.spool_max_bytes': () => ({
      anyOf: [
        { type: 'integer', exclusiveMinimum: 0 },
        {
          type: 'string',
          pattern: `^\\s*\\d+(?:\\.\\d+)?\\s*(?:[bB]|[kKmMgGtT](?:[iI]?[bB])?)?\\s*$`,
          patternErrorMessage:
            'expected a size like "256MiB", "512MB" or a number of bytes (units: B, kB, MB, GB, TB, KiB, MiB, GiB, TiB)',
        },
      ],
    }),
    // 1 to 253 printable characters, no space at either end, not `*` (hostNameProblem).
    host: () => ({
      type: 'string',
      minLength: 1,
      maxLength: 253,
      pattern: '^(?!\\*$)(?![ \\t])[^\\u0000-\\u001f\\u007f-\\u009f]*(?<![ \\t])$',
      patternErrorMessage:
        'expected a host name: 1 to 253 printable characters, no spaces at either end, not *',
    }),
    // `*`, a host name or `*.` and one, or an IPv6 address bare or in brackets (node's isIP
    // decides which of those really are addresses).
    'api.allowed_hosts[]': () => ({
      type: 'string',
      maxLength: 255,
      pattern: `^(?:\\*|(?:\\*\\.)?${hostLabel}(?:\\.${hostLabel})*\\.?|\\[?[0-9A-Fa-f:.]*:[0-9A-Za-z:.%]*\\]?)$`,
      patternErrorMessage: 'expected a host name, *.domain, an IP address or *',
    }),
  };
}

const statusCode = { type: 'integer', minimum: 100, maximum: 599 } as const;
const statusMessage = 'expected a status code (200), a range ("200-399") or a list of them, each 100-599';
/** 100-599, alone or as a range; the loader also checks that a range does not run backwards. */
const statusRange = '\\s*[1-5]\\d\\d\\s*(?:-\\s*[1-5]\\d\\d\\s*)?';
const hostLabel = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';

/** JSON Schema patterns have no flags: `http` -> `[hH][tT][tT][pP]`. */
function caseless(word: string): string {
  return [...word].map((letter) => `[${letter.toLowerCase()}${letter.toUpperCase()}]`).join('');
}

function shape(node: JsonSchema, zodNode: ZodNode, path: Path, context: WalkContext): JsonSchema {
  const inner = structural(zodNode);
  let result: JsonSchema = { ...node };
  const properties = result.properties as Record<string, JsonSchema> | undefined;
  if (inner.type === 'object' && properties !== undefined && inner.shape !== undefined) {
    const shapeOf = inner.shape;
    result.properties = Object.fromEntries(
      Object.entries(properties).map(([key, child]) => {
        const childZod = shapeOf[key];
        if (childZod === undefined)
          throw new Error(`config JSON Schema: no zod schema at ${[...path, key].join('.')}`);
        return [key, shape(child, childZod, [...path, key], context)];
      }),
    );
  }
  if (inner.type === 'array' && isSchema(result.items) && inner.element !== undefined) {
    result.items = shape(result.items, inner.element, [...path, '[]'], context);
  }

  const ruleKey = ruleKeyOf(path);
  const rule = context.rules[ruleKey];
  if (rule !== undefined) {
    result = rule(result);
  } else if (checksInCode(zodNode)) {
    throw new Error(
      `config JSON Schema: ${displayPath(path)} is checked in code (a refine or transform) that JSON Schema cannot see; add a rule for "${ruleKey}" in config-json-schema.ts`,
    );
  }

  if (!allowsNull(result) && z.safeParse(zodNode as z.ZodType, null).success) result = withNull(result);
  result = withEnvReference(result);
  return describe(result, path, context.docs);
}

/** `healing.strategies.oom_killed[].action` -> `healing.strategies.*[].action`. */
function ruleKeyOf(path: Path): string {
  const parts = path.map((part, index) =>
    index === 2 && (path[1] === 'strategies' || path[1] === 'cause_plans') && path[0] === 'healing'
      ? '*'
      : part,
  );
  return parts.join('.').replaceAll('.[]', '[]');
}

function displayPath(path: Path): string {
  return path.join('.').replaceAll('.[]', '[]') || '(the root)';
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function allowsNull(node: JsonSchema): boolean {
  if (node.type === 'null' || (Array.isArray(node.type) && node.type.includes('null'))) return true;
  return Array.isArray(node.anyOf) && node.anyOf.some((branch) => isSchema(branch) && allowsNull(branch));
}

/** `healing:` with nothing under it is null: keep the type so editors still complete the keys. */
function withNull(node: JsonSchema): JsonSchema {
  if (typeof node.type === 'string') return { ...node, type: [node.type, 'null'] };
  if (Array.isArray(node.anyOf)) return { ...node, anyOf: [...node.anyOf, { type: 'null' }] };
  return { anyOf: [node, { type: 'null' }] };
}

/**
 * A value the environment fills in is text in the file. It is accepted wherever its result could
 * be valid and the text alone could not: numbers, booleans, enums, patterns. Plain strings already
 * accept it; lists and mappings cannot come from a variable.
 */
function withEnvReference(node: JsonSchema): JsonSchema {
  const scalar = (branch: JsonSchema): boolean => {
    const types = Array.isArray(branch.type) ? branch.type : [branch.type];
    if (types.some((type) => type === 'number' || type === 'integer' || type === 'boolean')) return true;
    return (
      types.includes('string') &&
      (branch.pattern !== undefined ||
        branch.enum !== undefined ||
        branch.anyOf !== undefined ||
        branch.maxLength !== undefined)
    );
  };
  if (Array.isArray(node.anyOf)) {
    const branches = node.anyOf.filter(isSchema);
    return branches.some(scalar) ? { ...node, anyOf: [...branches, envReference] } : node;
  }
  if (!scalar(node)) return node;
  const nullable = Array.isArray(node.type) && node.type.includes('null');
  const type = nullable ? (node.type as string[]).filter((entry) => entry !== 'null') : node.type;
  const value = { ...node, type: Array.isArray(type) && type.length === 1 ? type[0] : type };
  return { anyOf: [value, envReference, ...(nullable ? [{ type: 'null' }] : [])] };
}

/** Description and default from docs/configuration.md; a key not documented there gets none. */
function describe(node: JsonSchema, path: Path, docs: ConfigDocs | undefined): JsonSchema {
  if (docs === undefined || path.length === 0) return node;
  const docKey = lookupDocKey(docs, path);
  const doc = docKey === undefined ? undefined : docs.keys.get(docKey);
  const kindOrCause = path[0] === 'healing' && path.length === 3 ? path[2] : undefined;
  const description =
    doc !== undefined
      ? withDefault(doc.meaning, doc.defaultText)
      : path.length === 1
        ? docs.sections.get(path[0] ?? '')
        : kindOrCause !== undefined && path[1] === 'strategies'
          ? `Steps tried in order for the problem kind ${kindOrCause}; they replace its default steps. An empty list: no automatic action.`
          : kindOrCause !== undefined && path[1] === 'cause_plans'
            ? `Your own plan for the diagnosed cause ${kindOrCause}: these steps replace its built-in plan.`
            : undefined;
  return {
    ...(description === undefined ? {} : { description }),
    ...(doc?.defaultValue === undefined ? {} : { default: doc.defaultValue }),
    ...node,
  };
}

/**
 * The docs' name of a key: container entries fall back to `monitoring.defaults` (the same keys),
 * and every strategy or cause plan shares the step table of `healing.strategies`.
 */
function docKeyOf(path: Path): string {
  const key = path.join('.').replaceAll('.[]', '[]');
  if (path[0] === 'healing' && (path[1] === 'strategies' || path[1] === 'cause_plans') && path.length === 5) {
    return `healing.strategies.${path[4]}`;
  }
  return key;
}

/** The documented key that describes `path`, if any (the tests ask it for every key). */
export function lookupDocKey(docs: ConfigDocs, path: Path): string | undefined {
  const key = docKeyOf(path);
  if (docs.keys.has(key)) return key;
  if (path[0] === 'monitoring' && path[1] === 'containers' && path.length === 4) {
    const fallback = `monitoring.defaults.${path[3]}`;
    if (docs.keys.has(fallback)) return fallback;
  }
  return undefined;
}

function withDefault(meaning: string, defaultText: string | undefined): string {
  if (defaultText === undefined || defaultText === 'see below' || defaultText === 'required') return meaning;
  return `${meaning} Default: ${defaultText}${defaultText.endsWith('.') ? '' : '.'}`;
}

/**
 * Every strategy and cause plan takes the same list of steps: written once in `definitions`, each
 * key refers to it, which keeps the file small enough to read (26 causes and 11 kinds).
 */
function extractSteps(root: JsonSchema): JsonSchema {
  const healing = (root.properties as Record<string, JsonSchema>).healing;
  let steps: JsonSchema | undefined;
  for (const group of ['strategies', 'cause_plans'] as const) {
    const groupNode = (healing?.properties as Record<string, JsonSchema> | undefined)?.[group];
    const entries = groupNode?.properties as Record<string, JsonSchema> | undefined;
    if (groupNode === undefined || entries === undefined)
      throw new Error(`config JSON Schema: no healing.${group}`);
    for (const [key, entry] of Object.entries(entries)) {
      const { description, ...body } = entry;
      if (steps === undefined) steps = body;
      else if (JSON.stringify(steps) !== JSON.stringify(body)) {
        throw new Error(`config JSON Schema: healing.${group}.${key} takes other steps than the rest`);
      }
      entries[key] = {
        ...(description === undefined ? {} : { description }),
        allOf: [{ $ref: '#/definitions/steps' }],
      };
    }
  }
  if (steps === undefined) throw new Error('config JSON Schema: no steps found');
  return steps;
}

// The zod internals read here: `_zod.def` is zod 4's documented way to inspect a schema.
type ZodNode = z.core.$ZodType;
interface ZodDefinition {
  readonly type: string;
  readonly innerType?: ZodNode;
  readonly in?: ZodNode;
  readonly out?: ZodNode;
  readonly shape?: Readonly<Record<string, ZodNode>>;
  readonly element?: ZodNode;
  readonly checks?: readonly { readonly _zod: { readonly def: { readonly check: string } } }[];
  readonly transform?: (value: unknown, context: unknown) => unknown;
}

function definitionOf(node: ZodNode): ZodDefinition {
  return node._zod.def as unknown as ZodDefinition;
}

/** The object or array under wrappers that do not change its shape (optional, nullable, pipes). */
function structural(node: ZodNode): ZodDefinition {
  let definition = definitionOf(node);
  for (;;) {
    if ((definition.type === 'optional' || definition.type === 'nullable') && definition.innerType) {
      definition = definitionOf(definition.innerType);
    } else if (definition.type === 'pipe' && definition.in && definition.out) {
      definition = definitionOf(isTransform(definition.in) ? definition.out : definition.in);
    } else {
      return definition;
    }
  }
}

function isTransform(node: ZodNode): boolean {
  return definitionOf(node).type === 'transform';
}

/**
 * Whether zod checks this value with code JSON Schema cannot see: a refine, a transform of the
 * value, or a value taken as `unknown` and parsed by hand. A preprocess that only turns null (or
 * "") into "absent" is not such a check: it is probed, and null is allowed where zod allows it.
 */
function checksInCode(node: ZodNode): boolean {
  const definition = definitionOf(node);
  if (definition.checks?.some((check) => check._zod.def.check === 'custom')) return true;
  switch (definition.type) {
    case 'unknown':
    case 'any':
    case 'transform':
      return true;
    case 'optional':
    case 'nullable':
      return definition.innerType !== undefined && checksInCode(definition.innerType);
    case 'pipe': {
      if (definition.in === undefined || definition.out === undefined) return true;
      if (isTransform(definition.in)) return !onlyClearsEmpty(definition.in) || checksInCode(definition.out);
      return checksInCode(definition.in) || checksInCode(definition.out);
    }
    default:
      return false;
  }
}

const probes: readonly unknown[] = ['text', 0, 1, true, false, [], [1], {}, { key: 1 }];

function onlyClearsEmpty(transform: ZodNode): boolean {
  const apply = definitionOf(transform).transform;
  if (apply === undefined) return false;
  return probes.every((probe) => apply(probe, { issues: [], value: probe }) === probe);
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
