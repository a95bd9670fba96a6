/** Every `huntforge` command, in the order `huntforge --help` lists them. */
import type { Command } from './command.js';
import { deployCommand } from './deploy.js';
import { feedCommand } from './feed.js';
import { generateCommand } from './generate.js';
import { huntCommand } from './hunt.js';
import { iocsCommand } from './iocs.js';
import { kqlCommand } from './kql.js';
import { runCommand } from './run-remote.js';
import { validateCommand } from './validate.js';

export const commands: Command[] = [
  iocsCommand,
  generateCommand,
  huntCommand,
  validateCommand,
  kqlCommand,
  feedCommand,
  runCommand,
  deployCommand,
];
