/**
 * Log Analytics query API, Azure Data Explorer REST (v1 and v2) and Graph runHuntingQuery, all
 * serving the same fake tables. Each checks the bearer token (401 without, 403 for `forbidden`)
 * and, with `rowLimit`, answers an over-large result the way the services do: Log Analytics and
 * ADX with a partial error (E_QUERY_RESULT_SET_TOO_LARGE), Graph with a truncated result.
 */
import { type FakeTables, parseTimespan, runFakeKql } from './kusto-data.js';
import {
  bearer,
  type Loopback,
  oneApiError,
  type RecordedRequest,
  type Reply,
  startLoopback,
} from './loopback.js';

export const TEST_TOKEN = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl';

export interface FakeKustoOptions {
  tables: FakeTables;
  rowLimit?: number;
  token?: string;
  /**
   * Replaces the token check: a reply answers the request instead (a refusal, an expired token,
   * a fault), undefined lets it through to the tables.
   */
  intercept?: (req: RecordedRequest) => Reply | undefined;
}

function authFailure(req: RecordedRequest, expected: string): Reply | undefined {
  const token = bearer(req);
  if (!token || (token !== expected && token !== 'forbidden'))
    return {
      status: 401,
      body: oneApiError(
        'AuthenticationFailed',
        `Authentication failed. Token ${token ?? '(none)'} is invalid.`,
      ),
    };
  if (token === 'forbidden')
    return {
      status: 403,
      body: oneApiError(
        'InsufficientAccessError',
        'The provided credentials have insufficient access to perform the requested operation',
      ),
    };
  return undefined;
}

const TOO_LARGE = {
  code: 'PartialError',
  message: 'There were some errors when processing your query.',
  details: [
    {
      code: 'EngineError',
      message: 'Something went wrong processing your query on the server.',
      innererror: {
        code: 'E_QUERY_RESULT_SET_TOO_LARGE',
        message:
          'Query result set has exceeded the internal record count limit 500000 (E_QUERY_RESULT_SET_TOO_LARGE; see https://aka.ms/kustoquerylimits)',
      },
    },
  ],
};

export function startFakeLogAnalytics(options: FakeKustoOptions): Promise<Loopback> {
  const expected = options.token ?? TEST_TOKEN;
  return startLoopback((req) => {
    const m = /^\/v1\/workspaces\/([^/]+)\/query$/.exec(req.path);
    if (req.method !== 'POST' || !m)
      return { status: 404, body: oneApiError('PathNotFoundError', `The requested path does not exist`) };
    const denied = options.intercept ? options.intercept(req) : authFailure(req, expected);
    if (denied) return denied;
    const body = req.body as { query?: string; timespan?: string } | undefined;
    if (!body?.query)
      return {
        status: 400,
        body: oneApiError('BadArgumentError', 'The request had some invalid properties'),
      };
    try {
      const result = runFakeKql(options.tables, body.query, parseTimespan(body.timespan), {
        rowLimit: options.rowLimit,
      });
      const reply: Record<string, unknown> = {
        tables: [{ name: 'PrimaryResult', columns: result.columns, rows: result.rows }],
      };
      if (result.truncated) reply.error = TOO_LARGE;
      return { status: 200, body: reply };
    } catch (err) {
      return {
        status: 400,
        body: oneApiError('BadArgumentError', 'The request had some invalid properties', {
          code: 'SemanticError',
          message: (err as Error).message,
        }),
      };
    }
  });
}

export function startFakeAdx(options: FakeKustoOptions): Promise<Loopback> {
  const expected = options.token ?? TEST_TOKEN;
  return startLoopback((req) => {
    const m = /^\/(v1|v2)\/rest\/query$/.exec(req.path);
    if (req.method !== 'POST' || !m) return { status: 404, body: oneApiError('NotFound', 'not found') };
    const denied = options.intercept ? options.intercept(req) : authFailure(req, expected);
    if (denied) return denied;
    const body = req.body as { db?: string; csl?: string; properties?: string } | undefined;
    if (body?.db !== 'SecurityLogs')
      return {
        status: 400,
        body: oneApiError('General_BadRequest', `Entity ID '${body?.db}' of kind 'Database' was not found.`),
      };
    const props = JSON.parse(body.properties ?? '{}') as { Options?: Record<string, string> };
    const range = {
      start: Date.parse(props.Options?.query_datetimescope_from ?? ''),
      end: Date.parse(props.Options?.query_datetimescope_to ?? ''),
    };
    const result = runFakeKql(
      options.tables,
      body.csl ?? '',
      {
        start: Number.isNaN(range.start) ? undefined : range.start,
        end: Number.isNaN(range.end) ? undefined : range.end,
      },
      { rowLimit: options.rowLimit },
    );
    const columns = result.columns.map((c) => ({ ColumnName: c.name, ColumnType: c.type }));
    if (m[1] === 'v1')
      return {
        status: 200,
        body: {
          Tables: [
            {
              TableName: 'Table_0',
              Columns: columns.map((c) => ({ ...c, DataType: 'String' })),
              Rows: result.rows,
            },
          ],
        },
      };
    const rows: unknown[] = [...result.rows];
    if (result.truncated)
      rows.push({
        OneApiErrors: [
          {
            error: {
              code: 'LimitsExceeded',
              message: 'Request is invalid and cannot be executed.',
              '@message':
                'Query result set has exceeded the internal record count limit 500000 (E_QUERY_RESULT_SET_TOO_LARGE).',
            },
          },
        ],
      });
    return {
      status: 200,
      body: [
        { FrameType: 'DataSetHeader', IsProgressive: false, Version: 'v2.0' },
        {
          FrameType: 'DataTable',
          TableId: 0,
          TableKind: 'QueryProperties',
          TableName: '@ExtendedProperties',
          Columns: [{ ColumnName: 'Value', ColumnType: 'dynamic' }],
          Rows: [],
        },
        {
          FrameType: 'DataTable',
          TableId: 1,
          TableKind: 'PrimaryResult',
          TableName: 'PrimaryResult',
          Columns: columns,
          Rows: rows,
        },
        { FrameType: 'DataSetCompletion', HasErrors: result.truncated, Cancelled: false },
      ],
    };
  });
}

export function startFakeGraphHunting(options: FakeKustoOptions): Promise<Loopback> {
  const expected = options.token ?? TEST_TOKEN;
  return startLoopback((req) => {
    if (req.method !== 'POST' || req.path !== '/v1.0/security/runHuntingQuery')
      return { status: 404, body: oneApiError('UnknownError', 'Resource not found') };
    const denied = options.intercept ? options.intercept(req) : authFailure(req, expected);
    if (denied) return denied;
    const body = req.body as { Query?: string; Timespan?: string } | undefined;
    if (!body?.Query) return { status: 400, body: oneApiError('BadRequest', 'Query is required') };
    const result = runFakeKql(options.tables, body.Query, parseTimespan(body.Timespan), {
      rowLimit: options.rowLimit,
      timeColumn: 'Timestamp',
    });
    return {
      status: 200,
      body: {
        '@odata.context':
          'https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.security.huntingQueryResults',
        schema: result.columns.map((c) => ({ name: c.name, type: c.type })),
        results: result.rows.map((r) => Object.fromEntries(result.columns.map((c, i) => [c.name, r[i]]))),
      },
    };
  });
}
