import type { Command } from './command.js';

export const iocsCommand: Command = {
  name: 'iocs',
  summary: 'read IOC feeds and reports into canonical, flagged indicators',
  help: 'Usage: huntforge iocs <input...>',
  async run() {
    return 2;
  },
};
