import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planRemoteHunts } from '../../src/remote/planned-hunts.js';

test('run plans hunts with the huntforge.yaml exclusions it is given', async () => {
  const plan = {
    userExclusions: [
      {
        id: 'lab',
        reason: 'detonation lab',
        scope: [],
        condition: { field: 'host' as const, operator: 'equals' as const, values: ['lab-01.corp.local'] },
        origin: 'huntforge.yaml:2',
      },
    ],
  };
  const tuned = await planRemoteHunts(['examples/nanocore/feed.json'], { dialect: 'sentinel', plan });
  const dne = tuned.find((h) => h.table === 'DeviceNetworkEvents')!;
  assert.match(dne.kql, /\| where not\(DeviceName =~ "lab-01\.corp\.local"\)/);
  const plain = await planRemoteHunts(['examples/nanocore/feed.json'], { dialect: 'sentinel' });
  assert.doesNotMatch(plain.find((h) => h.table === 'DeviceNetworkEvents')!.kql, /lab-01/);
});
