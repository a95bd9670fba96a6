/** The ThreatFox API as documented: POST /api/v1/ with Auth-Key; application errors as HTTP 200 + query_status. */
import { type Loopback, type RecordedRequest, type Reply, startLoopback } from './loopback.js';

export const THREATFOX_KEY = 'tf-key-0123456789abcdef';

export const NANOCORE_RECORDS = [
  {
    id: '1092411',
    ioc: '104.21.9.66:443',
    threat_type: 'botnet_cc',
    ioc_type: 'ip:port',
    malware: 'win.nanocore',
    malware_printable: 'NanoCore RAT',
    malware_alias: 'Nancrat,NanoCore',
    confidence_level: 75,
    first_seen: '2026-04-25 10:11:12 UTC',
    last_seen: null,
    reference: '',
    reporter: 'abuse_ch',
    tags: ['NanoCore', 'RAT'],
  },
  {
    id: '1092412',
    ioc: 'theponzu.com',
    threat_type: 'botnet_cc',
    ioc_type: 'domain',
    malware: 'win.nanocore',
    malware_printable: 'NanoCore RAT',
    malware_alias: null,
    confidence_level: 100,
    first_seen: '2026-04-25 10:11:12 UTC',
    last_seen: null,
    reference: null,
    reporter: 'abuse_ch',
    tags: null,
  },
];

export function threatFoxHandler(req: RecordedRequest): Reply {
  if (req.method !== 'POST' || req.path !== '/api/v1/') return { status: 404, raw: 'Not Found' };
  if (req.headers['auth-key'] !== THREATFOX_KEY) return { status: 401, raw: 'Unauthorized' };
  const body = (req.body ?? {}) as Record<string, unknown>;
  switch (body.query) {
    case 'get_iocs':
      return { status: 200, body: { query_status: 'ok', data: NANOCORE_RECORDS } };
    case 'malwareinfo':
      if (body.malware === 'win.nothing')
        return {
          status: 200,
          body: { query_status: 'no_result', data: 'Your search did not yield any results' },
        };
      if (body.malware === 'bad name!')
        return { status: 200, body: { query_status: 'illegal_malware', data: 'Malware not found' } };
      return { status: 200, body: { query_status: 'ok', data: NANOCORE_RECORDS } };
    case 'taginfo':
      return { status: 200, body: { query_status: 'ok', data: NANOCORE_RECORDS.slice(0, 1) } };
    case 'search_ioc':
      if (String(body.search_term ?? '').length < 3)
        return { status: 200, body: { query_status: 'illegal_search_term', data: 'Search term too short' } };
      return {
        status: 200,
        body: {
          query_status: 'ok',
          data: NANOCORE_RECORDS.filter((r) => r.ioc.includes(String(body.search_term))),
        },
      };
    case 'search_hash':
      return {
        status: 200,
        body: { query_status: 'hash_not_found', data: 'The hash you provided is not known' },
      };
    default:
      return { status: 200, body: { query_status: 'unknown_query', data: null } };
  }
}

export function startFakeThreatFox(): Promise<Loopback> {
  return startLoopback(threatFoxHandler);
}
