import type { Clock, HttpProber, Logger } from '@website-monitor/core';
import { silentLogger, systemClock } from '@website-monitor/core';
import { Command, CommanderError, Option } from 'commander';
import { cliVersion } from './cli-version.js';
import { userErrorText } from './errors/describe-user-error.js';
import { exitCodes } from './exit-codes.js';
import type { CliIo } from './io/cli-io.js';
import type { RuntimeFactory } from './io/runtime-factory.js';
import { withSecretFiles } from './io/secret-files.js';
import type { SwarmServicesFactory } from './io/swarm-services-factory.js';
import { logLevels } from './logging/log-level.js';
import { DatabaseUnavailableError } from './store/database-failure.js';
import { packageStoreFactories, type StoreFactories } from './store/store-factories.js';

/** What `runCli` builds for itself unless a test hands it in. */
export interface CliDeps {
  readonly createRuntime?: RuntimeFactory;
  /** `run` only; by default the Docker adapter's, unless `createRuntime` is given (a test's engine). */
  readonly createSwarmServices?: SwarmServicesFactory;
  readonly prober?: HttpProber;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** `run` only: called once the agent runs, with a way to stop it as a signal would. */
  readonly onStarted?: (stop: () => void) => void;
  /** How `run`, `incidents` and `db migrate` open SQLite, PostgreSQL and the spool. */
  readonly storeFactories?: StoreFactories;
}

/**
 * The whole CLI as a function: parses `argv` (without `node` and the script), runs the command
 * and resolves to the exit code. User mistakes are printed as readable lines; bugs with their stack.
 *
 * @example
 * ```ts
 * import { processIo, runCli } from '@website-monitor/cli';
 *
 * const exitCode = await runCli(['config', 'validate', 'config.yaml'], processIo());
 * process.exitCode = exitCode; // 0 valid, 2 invalid (each issue printed with its line)
 * ```
 */
export async function runCli(argv: readonly string[], givenIo: CliIo, deps: CliDeps = {}): Promise<number> {
  // `MONITOR_API_TOKEN_FILE=/run/secrets/...` and the like: read once, before any command runs.
  // A secret file that cannot be read stops every command (exit 2, before it does anything), but
  // not `--help` or `--version`, which run no command: a person must be able to read the help of a
  // deployment whose secret is wrong.
  let io: CliIo = givenIo;
  let secretFilesError: unknown;
  try {
    io = withSecretFiles(givenIo);
  } catch (error) {
    if (userErrorText(error) === undefined) throw error;
    secretFilesError = error;
  }
  // Each command's modules (and dockerode) load only when that command runs: `--help` and
  // `config validate` stay fast and need no engine library.
  const createRuntime: RuntimeFactory =
    deps.createRuntime ??
    (async ({ logger, dockerHost, requestTimeoutMs }) => {
      const { createDockerRuntime } = await import('@website-monitor/docker-adapter');
      return createDockerRuntime({
        logger,
        env: io.env,
        ...(dockerHost === undefined ? {} : { host: dockerHost }),
        ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
      });
    });
  // Swarm's services are on the runtime's engine: a test's own runtime gets no real Swarm beside it.
  const createSwarmServices: SwarmServicesFactory | undefined =
    deps.createSwarmServices ??
    (deps.createRuntime !== undefined
      ? undefined
      : async ({ dockerHost, requestTimeoutMs }) => {
          const { createDockerSwarmServices } = await import('@website-monitor/docker-adapter');
          return createDockerSwarmServices({
            env: io.env,
            ...(dockerHost === undefined ? {} : { host: dockerHost }),
            ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
          });
        });
  const storeFactories = deps.storeFactories ?? packageStoreFactories;
  let exitCode: number = exitCodes.ok;

  const program = new Command('website-monitor')
    .description('Watches Docker containers, detects failures, diagnoses and heals them.')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showSuggestionAfterError(true)
    .version(cliVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .hook('preAction', () => {
      if (secretFilesError !== undefined) throw secretFilesError;
    });

  program
    .command('run')
    .description('run the agent until SIGINT/SIGTERM')
    .option('-c, --config <file>', "config file (YAML); without it, autoheal's AUTOHEAL_* environment")
    .option(
      '--autoheal',
      'no config file: run as a drop-in for autoheal from its environment (AUTOHEAL_*, WEBHOOK_URL), defaults included',
    )
    .option('--dry-run', 'decide and log every action, change nothing (overrides healing.dry_run)')
    .addOption(
      new Option('--log-level <level>', 'lowest level logged (default: LOG_LEVEL or info)').choices(
        logLevels,
      ),
    )
    .option(
      '--listen <address>',
      'REST API, metrics and dashboard address (HOST:PORT; writes need MONITOR_API_TOKEN)',
      '127.0.0.1:9090',
    )
    .option('--no-listen', 'serve no REST API, metrics or dashboard')
    .option(
      '--standby',
      'when another agent holds this Docker engine, wait as a hot standby and take over once it goes away (instead of exiting 3); agent.standby: true in the config does the same',
    )
    .action(
      async (options: {
        config?: string;
        autoheal?: boolean;
        dryRun?: boolean;
        logLevel?: string;
        listen: string | false;
        standby?: boolean;
      }) => {
        const { runCommand } = await import('./commands/run.js');
        exitCode = await runCommand(options, io, {
          createRuntime,
          ...(createSwarmServices === undefined ? {} : { createSwarmServices }),
          storeFactories,
          ...(deps.prober === undefined ? {} : { prober: deps.prober }),
          ...(deps.clock === undefined ? {} : { clock: deps.clock }),
          ...(deps.logger === undefined ? {} : { logger: deps.logger }),
          ...(deps.onStarted === undefined ? {} : { onStarted: deps.onStarted }),
        });
      },
    );

  program
    .command('check')
    .description('check one container once; exit 0 healthy, 1 unhealthy')
    .argument('<name>', 'container name or id')
    .option('--endpoint <url>', 'HTTP health endpoint to probe, e.g. http://127.0.0.1:8080/health')
    .option('--timeout <seconds>', 'HTTP timeout in seconds')
    .option('--json', 'print the result as one JSON object')
    .action(async (name: string, options: { endpoint?: string; timeout?: string; json?: boolean }) => {
      const { checkCommand } = await import('./commands/check.js');
      const runtime = await createRuntime({ logger: deps.logger ?? silentLogger });
      try {
        exitCode = await checkCommand(name, options, io, {
          runtime,
          ...(deps.prober === undefined ? {} : { prober: deps.prober }),
        });
      } finally {
        await runtime[Symbol.asyncDispose]?.();
      }
    });

  program
    .command('incidents')
    .description('list recent incidents from the configured store, newest first')
    .option('-c, --config <file>', 'config file (YAML); its storage section picks the database')
    .option('--hours <hours>', 'incidents opened in the last N hours', '24')
    .option('--container <name>', 'only this container')
    .option('--limit <n>', 'at most this many (newest first)', '100')
    .option('--json', 'print a JSON array instead of a table')
    .option('--host <name>', "only this host's incidents (agents of several hosts sharing one database)")
    .option('--all-hosts', "every host's incidents, with a HOST column")
    .action(
      async (options: {
        config?: string;
        hours?: string;
        container?: string;
        limit?: string;
        json?: boolean;
        host?: string;
        allHosts?: boolean;
      }) => {
        const { incidentsCommand } = await import('./commands/incidents.js');
        exitCode = await incidentsCommand(options, io, {
          factories: storeFactories,
          clock: deps.clock ?? systemClock,
          logger: deps.logger ?? silentLogger,
        });
      },
    );

  program
    .command('db')
    .description('work with the database')
    .command('migrate')
    .description('create or update the database schema (the agent also does this on start)')
    .option('-c, --config <file>', 'config file (YAML); its storage section picks the database')
    .action(async (options: { config?: string }) => {
      const { dbMigrateCommand } = await import('./commands/db-migrate.js');
      exitCode = await dbMigrateCommand(options, io, {
        factories: storeFactories,
        logger: deps.logger ?? silentLogger,
      });
    });

  const config = program.command('config').description('work with config files');
  config
    .command('validate')
    .description('validate a config file: "FILE: ok" or one FILE:LINE line per problem (exit 2)')
    .argument('<file>', 'config file (YAML)')
    .action(async (file: string) => {
      const { configValidateCommand } = await import('./commands/config-validate.js');
      exitCode = await configValidateCommand(file, io);
    });

  program
    .command('notify')
    .description('work with notifications')
    .command('test')
    .description('send a sample notification to every configured webhook; exit 1 if one fails')
    .requiredOption('-c, --config <file>', 'config file (YAML) with notifications.webhooks')
    .action(async (options: { config: string }) => {
      const { notifyTestCommand } = await import('./commands/notify-test.js');
      exitCode = await notifyTestCommand(options, io);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    // Commander has already printed its message (unknown command, missing argument...).
    if (error instanceof CommanderError) return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    const text = userErrorText(error);
    if (text !== undefined) {
      io.stderr(`${text}\n`);
      return DatabaseUnavailableError.is(error) ? exitCodes.databaseUnavailable : exitCodes.usage;
    }
    io.stderr(`website-monitor: unexpected error, please report it:\n${describeBug(error)}\n`);
    return 1;
  }
}

function describeBug(error: unknown): string {
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
}
