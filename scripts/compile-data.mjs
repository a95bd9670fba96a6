// Build step (after tsc): the bundled YAML data parsed into JSON beside the compiled code, which
// reads it instead of parsing the YAML on every run (see src/hunts/bundled-data.ts).
import { compileBundled } from '../dist/hunts/bundled-data.js';
import { BUNDLED_PROFILES } from '../dist/hunts/profiles.js';
import { BUNDLED_IOC_SCENARIOS } from '../dist/hunts/scenarios.js';

for (const data of [BUNDLED_PROFILES, BUNDLED_IOC_SCENARIOS]) compileBundled(data);
