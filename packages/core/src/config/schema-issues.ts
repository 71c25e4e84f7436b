import type { z } from 'zod';
import { problemKinds } from '../domain/health.js';
import type { ConfigPath } from './config-path.js';
import { closestName } from './did-you-mean.js';

export interface SchemaIssue {
  readonly path: ConfigPath;
  readonly message: string;
}

/**
 * zod's issues in our words, one per problem. An unknown-keys issue names every extra key of an
 * object at once; we split it so each key is reported at its own line.
 */
export function describeSchemaIssues(issues: readonly z.core.$ZodIssue[], schema: z.ZodType): SchemaIssue[] {
  return issues.flatMap((issue): SchemaIssue[] => {
    const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, path);
      return issue.keys.map((key) => ({
        path: [...path, key],
        message: unknownKeyMessage(key, path, known),
      }));
    }
    return [{ path, message: describeIssue(issue) }];
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `expected ${article(issue.expected)}, got ${describeValue(issue.input)}`;
    case 'too_small':
      if (issue.origin === 'array' || issue.origin === 'string') return `must not be empty`;
      return `must be ${issue.inclusive ? 'at least' : 'greater than'} ${String(issue.minimum)}, got ${describeValue(issue.input)}`;
    case 'too_big':
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}, got ${describeValue(issue.input)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}, got ${describeValue(issue.input)}`;
    case 'invalid_format':
      return issue.message;
    default:
      return issue.message;
  }
}

function unknownKeyMessage(key: string, parent: ConfigPath, known: readonly string[]): string {
  const isStrategy = parent.length === 2 && parent[0] === 'healing' && parent[1] === 'strategies';
  const suggestion = closestName(key, known);
  const hint = suggestion ? ` (did you mean "${suggestion}"?)` : '';
  if (isStrategy) return `unknown problem kind "${key}"${hint}; known: ${problemKinds.join(', ')}`;
  return `unknown key "${key}"${hint}${known.length > 0 ? `; allowed here: ${known.join(', ')}` : ''}`;
}

/** The keys the schema accepts at `path`, for "did you mean" hints. */
function knownKeysAt(schema: z.ZodType, path: ConfigPath): string[] {
  let current: z.core.$ZodType | undefined = schema;
  for (const part of path) {
    current = unwrap(current);
    const def = current?._zod.def;
    if (def?.type === 'object' && typeof part === 'string')
      current = (def as z.core.$ZodObjectDef).shape[part];
    else if (def?.type === 'array' && typeof part === 'number')
      current = (def as z.core.$ZodArrayDef).element;
    else return [];
  }
  const def = unwrap(current)?._zod.def;
  return def?.type === 'object' ? Object.keys((def as z.core.$ZodObjectDef).shape) : [];
}

/** Looks through optional, nullable and preprocess wrappers to the schema that does the work. */
function unwrap(schema: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  let current = schema;
  for (let depth = 0; current && depth < 10; depth++) {
    const def = current._zod.def;
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') {
      current = (def as z.core.$ZodOptionalDef).innerType;
    } else if (def.type === 'pipe') {
      const pipe = def as z.core.$ZodPipeDef;
      current = pipe.in._zod.def.type === 'transform' ? pipe.out : pipe.in;
    } else {
      return current;
    }
  }
  return current;
}

function article(expected: string): string {
  const names: Record<string, string> = {
    int: 'an integer',
    number: 'a number',
    string: 'a string',
    boolean: 'true or false',
    array: 'a list',
    object: 'a mapping',
  };
  return names[expected] ?? expected;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value}"`;
  return String(value);
}
