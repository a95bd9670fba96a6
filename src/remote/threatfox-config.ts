/** Where the ThreatFox Auth-Key comes from: THREATFOX_AUTH_KEY, else `threatfox.authKey` in huntforge.yaml. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { yamlPackage } from '../packages/yaml.js';

export function resolveThreatFoxAuthKey(
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): string | undefined {
  const fromEnv = env.THREATFOX_AUTH_KEY?.trim();
  if (fromEnv) return fromEnv;
  for (const name of ['huntforge.yaml', 'huntforge.yml']) {
    const path = join(cwd, name);
    if (!existsSync(path)) continue;
    try {
      const config = yamlPackage().parse(readFileSync(path, 'utf8')) as {
        threatfox?: { authKey?: unknown };
      } | null;
      const key = config?.threatfox?.authKey;
      if (typeof key === 'string' && key.trim()) return key.trim();
    } catch {
      // An unreadable config is reported by the config loader; here it just yields no key.
    }
  }
  return undefined;
}
