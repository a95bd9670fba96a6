/** Runs the CLI from source in a child process, asynchronously so loopback servers in this process keep answering. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ENTRY = join(process.cwd(), 'src/cli/entry.ts');
const TSX = import.meta.resolve('tsx');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, ENTRY, ...args], {
      cwd: options.cwd,
      env: {
        ...process.env,
        // Never reach a real identity endpoint or cache from a test.
        HUNTFORGE_ACCESS_TOKEN: '',
        THREATFOX_AUTH_KEY: '',
        HUNTFORGE_RETRY_BASE_MS: '5',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill(), options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
