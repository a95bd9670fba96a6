/** Every `huntforge` command, in the order `huntforge --help` lists them. */
import type { Command } from './command.js';
import { iocsCommand } from './iocs.js';
import { validateCommand } from './validate.js';

export const commands: Command[] = [iocsCommand, validateCommand];
