#!/usr/bin/env node
/**
 * goals-reporting serve   — the HTTP server, connected as the read-only role
 * goals-reporting refresh — recompute the summaries, with the owner's URL (once, or --every N seconds)
 *
 * Exit codes: 0 done (or stopped by SIGINT/SIGTERM); 2 usage or configuration
 * error (bad flag, missing URL, invalid catalogue); 1 failure while running.
 */
import { Command, CommanderError } from 'commander';
import { maskConnectionUrl } from '@goals/database';
import { loadReportCatalogue } from './catalogue/report-catalogue.js';
import { ConfigError, ReportingError } from './errors/reporting-error.js';
import { refreshSummaries } from './refresh/refresh-summaries.js';
import { startReportingServer } from './server/start-reporting-server.js';

const SHUTDOWN_DEADLINE_MS = 10_000;

function fail(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ReportingError ? error.code : 'FAILED';
  process.stderr.write(`goals-reporting: ${code}: ${message}\n`);
  process.exit(error instanceof ConfigError || (error instanceof ReportingError && error.statusCode === 2) ? 2 : 1);
}

function integerOption(name: string, min: number, max: number) {
  return (text: string): number => {
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`);
    return Number(text);
  };
}

/** SIGINT/SIGTERM: stop taking requests, finish the ones in flight, close the pool; exit 1 if that takes over the deadline. */
function onShutdownSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`goals-reporting: ${signal}: shutting down\n`);
    const deadline = setTimeout(() => {
      process.stderr.write(`goals-reporting: shutdown took longer than ${SHUTDOWN_DEADLINE_MS} ms\n`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => fail(error),
    );
  };
  process.once('SIGINT', handle);
  process.once('SIGTERM', handle);
}

const program = new Command('goals-reporting').description('Reports on goal progress: JSON API, CSV, a web page.').exitOverride();

program
  .command('serve')
  .description('serve the API and the page, connected as the read-only goals_reporting role')
  .option('--database-url <url>', 'the reporting role\'s URL (default $REPORTING_DATABASE_URL)')
  .option('--catalogue <file>', 'challenges.json, as the worker reads it (default $GOALS_CATALOGUE)')
  .option('--host <host>', 'address to listen on', process.env.GOALS_REPORTING_HOST ?? '127.0.0.1')
  .option('--port <port>', 'port (0 = any free one)', integerOption('--port', 0, 65_535), Number(process.env.GOALS_REPORTING_PORT ?? 8090))
  .option('--log-level <level>', 'pino level', process.env.GOALS_LOG_LEVEL ?? 'info')
  .action(async (options: { databaseUrl?: string; catalogue?: string; host: string; port: number; logLevel: string }) => {
    const databaseUrl = options.databaseUrl ?? process.env.REPORTING_DATABASE_URL;
    if (databaseUrl === undefined || databaseUrl === '') throw new ConfigError('give the reporting role\'s URL: --database-url or REPORTING_DATABASE_URL');
    const cataloguePath = options.catalogue ?? process.env.GOALS_CATALOGUE;
    if (cataloguePath === undefined || cataloguePath === '') throw new ConfigError('give the catalogue: --catalogue <challenges.json> or GOALS_CATALOGUE');
    const catalogue = await loadReportCatalogue(cataloguePath);
    const server = await startReportingServer({ databaseUrl, catalogue, host: options.host, port: options.port, logger: { level: options.logLevel } });
    server.app.log.info({ url: server.url, database: maskConnectionUrl(databaseUrl), goals: catalogue.goals.length }, 'reporting server listening');
    process.stderr.write(`goals-reporting: serving ${server.url}\n`);
    onShutdownSignal(() => server.close());
  });

program
  .command('refresh')
  .description('recompute the summaries the reports read (needs the owner\'s URL: the reporting role cannot write)')
  .option('--database-url <url>', 'the owner\'s URL (default $DATABASE_URL)')
  .option('--every <seconds>', 'keep refreshing, this many seconds apart (a job that never ends)', integerOption('--every', 1, 86_400))
  .action(async (options: { databaseUrl?: string; every?: number }) => {
    const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
    if (databaseUrl === undefined || databaseUrl === '') throw new ConfigError('give the owner\'s URL: --database-url or DATABASE_URL');
    const once = async (): Promise<void> => {
      const report = await refreshSummaries(databaseUrl);
      process.stdout.write(`${JSON.stringify({ refreshed: true, asOf: report.asOf.toISOString(), progressRows: report.progressRows, durationMs: report.durationMs, phaseMs: report.phaseMs })}\n`);
    };
    await once();
    const every = options.every;
    if (every === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> = Promise.resolve();
    const schedule = (): void => {
      timer = setTimeout(() => {
        running = once().then(schedule, (error: unknown) => fail(error));
      }, every * 1000);
    };
    schedule();
    onShutdownSignal(async () => {
      clearTimeout(timer);
      await running;
    });
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  fail(error);
});
