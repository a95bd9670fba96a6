/** `huntforge` entry point: dispatches to a command; errors are one line unless --debug. */

import { duckdbResourceError } from '../engine/engine-settings.js';
import { nodeResourceError } from '../io/resource-errors.js';
import { terminalSafe } from '../report/terminal-safe.js';
import { UsageError, UserFacingError } from './command.js';
import { commands } from './commands.js';

const VERSION = '0.1.0';

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'huntforge — turn threat intelligence into threat hunts, and run them',
    '',
    'Usage: huntforge <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'huntforge <command> --help' for a command's options and an example.",
    'Global options: --debug (stack traces on errors), --version, --help',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${overview()}\n`);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    process.stderr.write(
      `huntforge: unknown command '${name}'. Commands: ${commands.map((c) => c.name).join(', ')}\n`,
    );
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.help.trimEnd()}\n`);
    return 0;
  }
  watchStandardOutput(name);
  try {
    return await command.run(rest);
  } catch (thrown) {
    // out of memory or disk noticed outside huntforge's own checks (an appender, a stream)
    const err =
      thrown instanceof UserFacingError
        ? thrown
        : (nodeResourceError(thrown, `running huntforge ${name}`) ??
          duckdbResourceError(thrown, `running huntforge ${name}`) ??
          thrown);
    if (debug) process.stderr.write(`${(thrown as Error).stack ?? thrown}\n`);
    else process.stderr.write(`huntforge ${name}: ${oneLine(err)}\n`);
    if (err instanceof UsageError) return 2;
    if (err instanceof UserFacingError) return err.exitCode;
    if (!debug) process.stderr.write('(run with --debug for the stack trace)\n');
    return 2;
  }
}

/** The error as one line; messages may quote input, so control characters are shown, not sent. */
function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return terminalSafe(message.replace(/\s*\n\s*/g, ' '));
}

let watchingStandardOutput = false;

/**
 * Standard output redirected to a full disk (or closed by its reader) fails after the write returned,
 * as an 'error' event that would otherwise crash with a stack trace: say it in one line instead.
 */
function watchStandardOutput(command: string): void {
  if (watchingStandardOutput) return;
  watchingStandardOutput = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    // the reader went away (`| head`): nothing left to say to it
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    const message =
      nodeResourceError(err, 'writing the standard output')?.message ??
      `cannot write the standard output: ${err.message}`;
    process.stderr.write(`huntforge ${command}: ${message}\n`);
    process.exit(2);
  });
}
