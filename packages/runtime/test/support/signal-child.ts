// A process that stops gracefully on SIGTERM/SIGINT through ShutdownSignals; the test reads its exit code.
// argv: <deadlineMs> <mode>: "hang" keeps running after the first signal (a stop that never finishes), "finish" ends at once.
import { ShutdownSignals } from '../../src/index.js';

const deadlineMs = Number(process.argv[2]);
const mode = process.argv[3];
const keepAlive = setInterval(() => undefined, 1_000);
const lines = (level: string) => (fields: Record<string, unknown>, message: string) => process.stderr.write(`${JSON.stringify({ level, ...fields, message })}\n`);
new ShutdownSignals({
  log: { info: lines('info'), warn: lines('warn'), error: lines('error') },
  deadlineMs,
  graceMs: 0,
  onFirstSignal: (signal) => {
    process.stdout.write(`stopping after ${signal}\n`);
    if (mode === 'finish') clearInterval(keepAlive);
  },
});
process.stdout.write('ready\n');
