/** `huntforge` entry point: dispatches to a command; errors are one line unless --debug. */

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
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(
      `huntforge: unknown command '${name}'. Commands: ${commands.map((c) => c.name).join(', ')}\n`,
    );
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.help.trimEnd()}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (debug) process.stderr.write(`${(err as Error).stack ?? err}\n`);
    else process.stderr.write(`huntforge ${name}: ${oneLine(err)}\n`);
    if (err instanceof UsageError) return 2;
    if (err instanceof UserFacingError) return err.exitCode;
    if (!debug) process.stderr.write('(run with --debug for the stack trace)\n');
    return 2;
  }
}

function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s*\n\s*/g, ' ');
}
