/** Runs the CLI from source (used by tests through tsx; the published bin runs dist/). */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
