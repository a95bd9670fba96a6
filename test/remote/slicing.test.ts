import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServiceError } from '../../src/remote/http.js';
import type { QueryResult, TimeRange } from '../../src/remote/query-result.js';
import { isResultLimitError, runSliced } from '../../src/remote/slicing.js';

const START = new Date('2026-11-01T00:00:00Z');
const END = new Date('2026-11-15T00:00:00Z');
const HOUR = 3_600_000;

/** One row per hour; answers at most `limit` rows, flagged the way the service flags it. */
function hourlyRunner(limit: number, flag: 'rows' | 'partial' | 'throw') {
  const calls: TimeRange[] = [];
  const runner = async (range: TimeRange): Promise<QueryResult> => {
    calls.push(range);
    const rows: unknown[][] = [];
    for (let t = Math.ceil(range.start.getTime() / HOUR) * HOUR; t < range.end.getTime(); t += HOUR)
      rows.push([new Date(t).toISOString()]);
    const columns = [{ name: 'TimeGenerated', type: 'datetime' }];
    if (rows.length <= limit) return { columns, rows };
    if (flag === 'throw')
      throw new ServiceError(
        'Log Analytics: HTTP 400 — ResponsePayloadTooLarge: Response size too large',
        'Log Analytics',
        400,
        'ResponsePayloadTooLarge',
      );
    if (flag === 'partial')
      return {
        columns,
        rows: rows.slice(0, limit),
        partialError: {
          code: 'PartialError/E_QUERY_RESULT_SET_TOO_LARGE',
          message: 'Query result set has exceeded the internal record count limit',
        },
      };
    return { columns, rows: rows.slice(0, limit) };
  };
  return { calls, runner };
}

for (const flag of ['rows', 'partial', 'throw'] as const) {
  test(`a limit signalled by ${flag} bisects the range until each slice fits, and no row is lost or doubled`, async () => {
    const { calls, runner } = hourlyRunner(50, flag);
    const result = await runSliced(runner, START, END, {
      rowLimit: flag === 'rows' ? 50 : 1_000,
      minSliceMs: HOUR,
    });
    assert.equal(result.rows.length, 14 * 24);
    assert.equal(new Set(result.rows.map((r) => r[0])).size, 14 * 24);
    assert.deepEqual(
      result.rows.map((r) => r[0]),
      [...result.rows.map((r) => r[0] as string)].sort(),
      'time order kept',
    );
    assert.ok(result.slices >= 8, `sliced: ${result.slices}`);
    assert.ok(calls.length > result.slices, 'oversized attempts were re-run');
    assert.equal(result.partialError, undefined);
    assert.deepEqual(result.warnings, []);
  });
}

test('a result that fits runs once', async () => {
  const { calls, runner } = hourlyRunner(10_000, 'rows');
  const result = await runSliced(runner, START, END);
  assert.equal(calls.length, 1);
  assert.equal(result.slices, 1);
});

test('below the minimum slice the truncated rows are kept with a warning', async () => {
  const { runner } = hourlyRunner(0, 'partial');
  const result = await runSliced(runner, START, new Date(START.getTime() + 4 * HOUR), {
    rowLimit: 10,
    minSliceMs: 2 * HOUR,
  });
  assert.match(result.warnings.join('\n'), /hit the service's size limit even in the smallest slice/);
});

test('other errors are not sliced; other partial errors are passed on', async () => {
  await assert.rejects(
    runSliced(
      async () => {
        throw new ServiceError('x: HTTP 400 — SyntaxError', 'x', 400, 'SyntaxError');
      },
      START,
      END,
    ),
    /SyntaxError/,
  );
  const result = await runSliced(
    async () => ({
      columns: [],
      rows: [],
      partialError: { code: 'PartialError', message: 'a shard was down' },
    }),
    START,
    END,
  );
  assert.equal(result.partialError?.message, 'a shard was down');
  assert.equal(result.slices, 1);
});

test('limit errors are recognised by code or message', () => {
  assert.ok(isResultLimitError({ code: 'E_QUERY_RESULT_SET_TOO_LARGE', message: '' }));
  assert.ok(
    isResultLimitError({
      code: 'PartialError',
      message: 'The results of this query exceed the set limit of 500000 records',
    }),
  );
  assert.ok(
    isResultLimitError({
      code: 'LimitsExceeded',
      message: 'Query result set has exceeded the internal data size limit 67108864',
    }),
  );
  assert.ok(!isResultLimitError({ code: 'SemanticError', message: "'Foo' could not be resolved" }));
  assert.ok(!isResultLimitError(undefined));
});
