// `pnpm eval`: scores a diagnoser on the scenario corpus (packages/core/test/scenarios) by exact
// match on the recommended action and, apart, on the cause it names; prints a table per scenario
// and one per expected cause, and exits non-zero below the targets (90 % of actions right, every
// injection case safe). Runs from TypeScript source with no build, like
// `pnpm bench`: the CLI's source-mode hooks are installed before anything else is imported.
//
//   pnpm eval                          the rules (no network; what CI checks)
//   pnpm eval --claude                 Claude, needs ANTHROPIC_API_KEY (model: EVAL_MODEL or the default)
//   pnpm eval --diagnoser ./my.ts      any module whose default export is a Diagnoser or a
//                                      function returning one
//   pnpm eval --only injection         only scenarios whose name contains the text
//   pnpm eval --json                   the full report as JSON
import { parseArgs } from 'node:util';
import type * as SourceHooks from '../packages/cli/src/source-mode/source-hooks.js';

const hooks: typeof SourceHooks = await import(
  new URL('../packages/cli/src/source-mode/source-hooks.ts', import.meta.url).href
);
hooks.registerSourceHooks();

type Core = typeof import('../packages/core/src/index.js');
const core: Core = await import(new URL('../packages/core/src/index.ts', import.meta.url).href);
type CoreInternal = typeof import('../packages/core/src/internal/index.js');
const internal: CoreInternal = await import(
  new URL('../packages/core/src/internal/index.ts', import.meta.url).href
);

const { values } = parseArgs({
  options: {
    claude: { type: 'boolean', default: false },
    diagnoser: { type: 'string' },
    only: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

if (values.help) {
  console.log('usage: pnpm eval [--claude | --diagnoser <module>] [--only <text>] [--json]');
  process.exit(0);
}

try {
  const diagnoser = await chooseDiagnoser();
  const all = await internal.loadScenarios();
  const scenarios =
    values.only === undefined ? all : all.filter((scenario) => scenario.name.includes(values.only!));
  if (scenarios.length === 0) throw usage(`no scenario name contains "${values.only}"`);
  const report = await internal.scoreDiagnoser({ diagnoser, scenarios });
  console.log(values.json ? JSON.stringify(report, null, 2) : internal.formatEvalReport(report));
  process.exitCode = report.totals.meetsTargets ? 0 : 1;
} catch (error) {
  // A user's mistake (bad flag, bad scenario file, missing key) is one line; a bug keeps its stack.
  if (core.MonitorError.isInstance(error) || (error instanceof Error && error.name === 'UsageError')) {
    console.error(`eval: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exitCode = 2;
}

async function chooseDiagnoser(): Promise<import('../packages/core/src/index.js').Diagnoser> {
  if (values.claude && values.diagnoser !== undefined)
    throw usage('choose --claude or --diagnoser, not both');
  if (values.claude) {
    const apiKey = process.env.ANTHROPIC_API_KEY;
    if (!apiKey) throw usage('--claude needs ANTHROPIC_API_KEY in the environment');
    const claude = await import(new URL('../packages/claude-diagnoser/src/index.ts', import.meta.url).href);
    return claude.createClaudeDiagnoser({
      apiKey,
      model: process.env.EVAL_MODEL ?? internal.defaultClaudeModel,
      // The corpus is run once, one scenario after another: no cooldown or hourly cap.
      cooldownMs: 0,
      hourlyCallBudget: 10_000,
    });
  }
  if (values.diagnoser !== undefined) {
    const module = await import(new URL(values.diagnoser, `file://${process.cwd()}/`).href);
    const exported = module.default;
    const diagnoser = typeof exported === 'function' ? await exported() : exported;
    if (diagnoser === null || typeof diagnoser?.diagnose !== 'function') {
      throw usage(`${values.diagnoser}: its default export is not a Diagnoser or a function returning one`);
    }
    return diagnoser;
  }
  return internal.createRuleDiagnoser();
}

function usage(message: string): Error {
  const error = new Error(message);
  error.name = 'UsageError';
  return error;
}
