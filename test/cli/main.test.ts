import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', ...args], { encoding: 'utf8' });
}

test('huntforge --help lists the commands and exits 0', () => {
  const r = cli('--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Usage: huntforge <command>/);
  assert.match(r.stdout, /iocs/);
});

test('an unknown command is one clear line and exit 2', () => {
  const r = cli('frobnicate');
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
});

test('every listed command loads when run, under its own name, with a --help that has an example', async () => {
  const { commands } = await import('../../src/cli/commands.js');
  const listed = cli('--help').stdout;
  for (const entry of commands) {
    assert.match(
      listed,
      new RegExp(`^  ${entry.name} +${entry.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'),
    );
    const command = await entry.load();
    assert.equal(command.name, entry.name);
    assert.match(command.help, /^Usage: huntforge /m, entry.name);
    assert.match(command.help, /Example/, entry.name);
  }
});
