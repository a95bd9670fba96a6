/**
 * bench:generate — 100,000 indicators planned, rendered for Sentinel and Defender, packaged (with the
 * 10,000-character rule switch) and validated by Microsoft's KQL parser. The baseline, measured in the
 * same run, is the same pipeline for 10 indicators: the ratio shows how cost grows with the feed.
 */
import { generateFromIndicators } from '../src/generate/generate.js';
import type { Indicator, IndicatorType } from '../src/intel/types.js';
import { validateKql } from '../src/kql/validate.js';

const total = Number(process.argv[2] ?? process.env.BENCH_INDICATORS ?? 100_000);

function makeIndicators(n: number): Indicator[] {
  const out: Indicator[] = [];
  for (let i = 0; i < n; i++) {
    const kind = i % 4;
    const type: IndicatorType = kind === 0 ? 'ipv4' : kind === 1 ? 'domain' : kind === 2 ? 'url' : 'sha256';
    const host = `n${i.toString(36)}.bad-${(i % 97).toString(36)}.example`;
    const value =
      type === 'ipv4'
        ? `${11 + (i % 200)}.${(i >> 8) & 255}.${(i >> 16) & 255}.${i & 255}`
        : type === 'domain'
          ? host
          : type === 'url'
            ? `http://${host}/gate/${i}.php`
            : i.toString(16).padStart(64, '0');
    out.push({
      type,
      value,
      port: type === 'ipv4' ? [443, 80, 8080, 4444][i % 4] : null,
      host: type === 'url' ? host : null,
      malware: 'Bench RAT',
      malwareIds: [],
      malwareAliases: [],
      threatType: 'botnet_cc',
      firstSeen: '2026-04-25T00:00:00Z',
      lastSeen: null,
      validUntil: null,
      confidence: 75,
      tags: [],
      sources: [{ file: 'bench', location: `bench:${i}`, format: 'bench' }],
      flags: [],
    });
  }
  return out;
}

function run(n: number) {
  const indicators = makeIndicators(n);
  const started = performance.now();
  const result = generateFromIndicators(
    { indicators, rejected: [], errors: [] },
    { now: new Date('2026-11-28T00:00:00Z') },
  );
  const generated = performance.now();
  let errors = 0;
  for (const q of result.queries) errors += validateKql(q.kql, { platform: q.platform }).length;
  for (const r of result.rules) errors += validateKql(r.rule.query).length;
  const validated = performance.now();
  return {
    n,
    generateMs: generated - started,
    validateMs: validated - generated,
    totalMs: validated - started,
    queries: result.queries.length,
    rules: result.rules.length,
    deliveries: [...new Set(result.deliveries.values())].join(','),
    errors,
  };
}

validateKql('print 1'); // load the parser outside the timings
const baseline = run(10);
const measured = run(total);
const rssMb = process.resourceUsage().maxRSS / 1024;
const fmt = (r: ReturnType<typeof run>) =>
  `${r.n.toLocaleString('en')} indicators: generate ${(r.generateMs / 1000).toFixed(2)} s + validate ${(r.validateMs / 1000).toFixed(2)} s = ${(r.totalMs / 1000).toFixed(2)} s; ${r.queries} queries, ${r.rules} rules (${r.deliveries}), ${r.errors} parser errors`;
console.log(`baseline  ${fmt(baseline)}`);
console.log(`measured  ${fmt(measured)}`);
console.log(
  `ratio     ${(measured.totalMs / baseline.totalMs).toFixed(1)}x the 10-indicator run for ${total / 10}x the indicators`,
);
console.log(`peak RSS  ${rssMb.toFixed(0)} MB`);
console.log(`goal      < 60 s for 100,000 indicators: ${measured.totalMs < 60_000 ? 'met' : 'NOT met'}`);
