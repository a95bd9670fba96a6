/**
 * Suricata rules: DNS queries, TLS SNI and HTTP Host for domains (`dotprefix` + `endswith`, so a
 * name matches itself and its subdomains only), HTTP host + URI for URLs, IP rules with the port,
 * and file-hash lists for hashes. Sids count up from a configurable base. Values go through
 * `suricataString`; metadata values through `metadataValue`.
 */
import type { Condition, Hunt } from '../../hunts/types.js';
import type { Indicator } from '../../intel/types.js';
import { type Detection, detectionNotes, groupDetections } from './detections.js';
import {
  domainNames,
  flagSummary,
  indicatorLabel,
  isHashIndicator,
  isIpIndicator,
  isoDate,
} from './indicator-facts.js';
import type { TargetContext, TargetOutput } from './types.js';

export const DEFAULT_SID_BASE = 1_000_000;

/**
 * A double-quoted Suricata option value. `"`, `;` and `\` are backslash-escaped. In a `content`
 * (`hex: true`) every byte outside printable ASCII, and `|`, is written as `|hh|` hex so the
 * pattern matches the value's exact UTF-8 bytes; in text options (msg) control characters become
 * spaces, since a rule must stay on one line.
 */
export function suricataString(value: string, options: { hex: boolean }): string {
  if (!options.hex) {
    const text = value.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, ' ');
    return `"${text.replace(/["\\;]/g, (ch) => `\\${ch}`)}"`;
  }
  let out = '';
  let hexRun: string[] = [];
  const flush = () => {
    if (hexRun.length > 0) out += `|${hexRun.join(' ')}|`;
    hexRun = [];
  };
  for (const byte of Buffer.from(value, 'utf8')) {
    if (byte >= 0x20 && byte <= 0x7e && byte !== 0x7c) {
      flush();
      const ch = String.fromCharCode(byte);
      out += ch === '"' || ch === ';' || ch === '\\' ? `\\${ch}` : ch;
    } else {
      hexRun.push(byte.toString(16).toUpperCase().padStart(2, '0'));
    }
  }
  flush();
  return `"${out}"`;
}

/** A metadata value: Suricata metadata is `key value` pairs split on `,`, so only plain words. */
function metadataValue(value: string): string {
  return value.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '') || 'unknown';
}

const IPV4_OR_CIDR = /^(\d{1,3}\.){3}\d{1,3}(\/\d{1,2})?$/;
const IPV6_OR_CIDR = /^[0-9a-fA-F:]*:[0-9a-fA-F:.]*(\/\d{1,3})?$/;
const REFERENCE_URL = /^https?:\/\/([A-Za-z0-9._~:/?#@!$&'()*+=%-]+)$/;

interface RuleParts {
  header: string;
  msg: string;
  body: string[];
  classtype: string;
  indicator?: Indicator;
}

/** The client addresses an exclusion removes, when it is only about them (`srcIp` equals/cidr). */
function excludedClients(condition: Condition): string[] | null {
  const leaves = 'any' in condition ? condition.any : [condition];
  const addresses: string[] = [];
  for (const leaf of leaves) {
    if (
      !('field' in leaf) ||
      leaf.field !== 'srcIp' ||
      (leaf.operator !== 'equals' && leaf.operator !== 'cidr')
    ) {
      return null;
    }
    for (const value of leaf.values) {
      if (!IPV4_OR_CIDR.test(value) && !IPV6_OR_CIDR.test(value)) return null;
      addresses.push(value);
    }
  }
  return addresses.length > 0 ? addresses : null;
}

/** A rule's source address without the excluded clients: `[$HOME_NET,!a]` or `![a,b]`. */
function sourceAddress(base: string, excluded: string[]): string {
  if (excluded.length === 0) return base;
  const negated = excluded.map((a) => `!${a}`).join(',');
  return base === 'any' ? `![${excluded.join(',')}]` : `[${base},${negated}]`;
}

class SuricataRules {
  readonly lines: string[] = [];
  /** Client addresses the current detection's exclusions remove from every rule's source. */
  excludedClients: string[] = [];
  private sid: number;
  constructor(
    base: number,
    private readonly context: TargetContext,
  ) {
    this.sid = base;
  }

  add(detection: Detection, parts: RuleParts): void {
    const flag = parts.indicator ? flagSummary(parts.indicator) : null;
    const msg = `huntforge ${detection.family ?? 'unattributed'} ${parts.msg}${flag ? ' [flagged]' : ''}`;
    const reference = parts.indicator?.sources
      .map((s) => REFERENCE_URL.exec(s.reference ?? '')?.[1])
      .find(Boolean);
    const metadata = [
      `malware_family ${metadataValue(detection.family ?? 'unattributed')}`,
      `source ${metadataValue(this.context.source)}`,
      `created_at ${isoDate(this.context.generated).replace(/-/g, '_')}`,
      `huntforge_hunt ${metadataValue(detection.hunts[0].id)}`,
      ...(parts.indicator?.flags ?? []).map((f) => `huntforge_flag ${metadataValue(f.category)}`),
    ];
    const options = [
      `msg:${suricataString(msg, { hex: false })}`,
      ...parts.body,
      ...(reference ? [`reference:url,${reference}`] : []),
      `classtype:${parts.classtype}`,
      `sid:${this.sid++}`,
      'rev:1',
      `metadata:${metadata.join(', ')}`,
    ];
    if (flag && parts.indicator) {
      this.lines.push(
        `# flagged: ${indicatorLabel(parts.indicator)}: ${flag}`.replace(
          /[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g,
          ' ',
        ),
      );
    }
    const [protocol, source, ...rest] = parts.header.split(' ');
    const header = [protocol, sourceAddress(source, this.excludedClients), ...rest].join(' ');
    this.lines.push(`alert ${header} (${options.map((o) => `${o};`).join(' ')})`);
  }
}

function isC2(detection: Detection): boolean {
  return detection.indicators.some((i) => i.threatType === 'botnet_cc');
}

function ipRules(detection: Detection, rules: SuricataRules, note: (m: string) => void): void {
  for (const ind of detection.indicators.filter(isIpIndicator)) {
    const valid = ind.type === 'ipv4' ? IPV4_OR_CIDR.test(ind.value) : IPV6_OR_CIDR.test(ind.value);
    if (!valid) {
      note(`${indicatorLabel(ind)} is not an IP address Suricata's rule header accepts; left out`);
      continue;
    }
    const port = detection.requirePort ? ind.port : null;
    rules.add(detection, {
      header:
        port === null ? `ip $HOME_NET any -> ${ind.value} any` : `tcp $HOME_NET any -> ${ind.value} ${port}`,
      msg: `connection to IOC ${port === null ? ind.value : indicatorLabel(ind)}`,
      body: port === null ? [] : ['flow:to_server'],
      classtype: isC2(detection) ? 'command-and-control' : 'trojan-activity',
      indicator: ind,
    });
  }
}

function domainRules(detection: Detection, rules: SuricataRules): void {
  const byName = new Map(detection.indicators.filter((i) => i.type === 'domain').map((i) => [i.value, i]));
  for (const name of domainNames(detection.indicators)) {
    const indicator = byName.get(name) ?? detection.indicators.find((i) => i.host === name);
    const dotted = suricataString(`.${name}`, { hex: true });
    const classtype = isC2(detection) ? 'domain-c2' : 'trojan-activity';
    // dotprefix turns `x.com` into `.x.com`, so `.name` + endswith matches the name and its subdomains only.
    rules.add(detection, {
      header: 'dns $HOME_NET any -> any any',
      msg: `DNS lookup of IOC domain ${name}`,
      body: ['dns.query', 'dotprefix', `content:${dotted}`, 'nocase', 'endswith'],
      classtype,
      indicator,
    });
    rules.add(detection, {
      header: 'tls $HOME_NET any -> $EXTERNAL_NET any',
      msg: `TLS SNI of IOC domain ${name}`,
      body: ['tls.sni', 'dotprefix', `content:${dotted}`, 'nocase', 'endswith'],
      classtype,
      indicator,
    });
    // http.host is normalised to lowercase; Suricata rejects `nocase` on it.
    rules.add(detection, {
      header: 'http $HOME_NET any -> $EXTERNAL_NET any',
      msg: `HTTP Host of IOC domain ${name}`,
      body: [
        'http.host',
        'dotprefix',
        `content:${suricataString(`.${name.toLowerCase()}`, { hex: true })}`,
        'endswith',
      ],
      classtype,
      indicator,
    });
  }
}

function urlRules(detection: Detection, rules: SuricataRules, note: (m: string) => void): void {
  for (const ind of detection.indicators.filter((i) => i.type === 'url')) {
    let url: URL;
    try {
      url = new URL(ind.value);
    } catch {
      note(`${ind.value} is not a parsable URL; left out of Suricata`);
      continue;
    }
    if (url.protocol === 'https:') {
      note(`${ind.value}: an HTTPS path is encrypted; the rule matches only where TLS is inspected`);
    }
    rules.add(detection, {
      header: 'http $HOME_NET any -> $EXTERNAL_NET any',
      msg: `request to IOC URL ${ind.value}`,
      body: [
        'http.host',
        `content:${suricataString(url.hostname.toLowerCase(), { hex: true })}`,
        'startswith',
        'endswith',
        'http.uri.raw',
        `content:${suricataString(`${url.pathname}${url.search}`, { hex: true })}`,
        'startswith',
        'endswith',
      ],
      classtype: 'trojan-activity',
      indicator: ind,
    });
  }
}

function hashRules(
  detection: Detection,
  rules: SuricataRules,
  files: { path: string; content: string }[],
): void {
  for (const type of ['md5', 'sha1', 'sha256'] as const) {
    const hashes = detection.indicators
      .filter((i) => isHashIndicator(i) && i.type === type)
      .map((i) => i.value);
    if (hashes.length === 0) continue;
    const listName = `${detection.slug}.${type}.txt`;
    files.push({ path: `suricata/${listName}`, content: `${hashes.join('\n')}\n` });
    rules.add(detection, {
      header: 'http any any -> any any',
      msg: `file transfer matching ${hashes.length} IOC ${type} hash(es)`,
      body: [`file${type}:${listName}`],
      classtype: 'trojan-activity',
    });
  }
}

export function renderSuricata(hunts: Hunt[], context: TargetContext): TargetOutput {
  const output: TargetOutput = { target: 'suricata', files: [], notes: [] };
  const rules = new SuricataRules(context.suricataSidBase ?? DEFAULT_SID_BASE, context);
  const extraFiles: { path: string; content: string }[] = [];
  for (const detection of groupDetections(hunts)) {
    const huntId = detection.hunts[0].id;
    const note = (message: string) => output.notes.push({ huntId, message });
    output.notes.push(...detectionNotes(detection, 'Suricata rule group'));
    if (detection.kind === 'behaviour') {
      note('host behaviour (process creation) is not visible to a network sensor: no Suricata rule');
      continue;
    }
    if (detection.kind === 'dns-then-connect') {
      note(
        'Suricata rules match single flows; the lookup-then-connect correlation is covered by the domain and IP rules only',
      );
      continue;
    }
    rules.excludedClients = [];
    for (const exclusion of detection.exclusions) {
      const clients = excludedClients(exclusion.condition);
      if (clients) rules.excludedClients.push(...clients);
      else {
        note(
          `exclusion ${exclusion.id} (${exclusion.reason}) not applied in Suricata: a rule header can only leave out client addresses; expect its false positives`,
        );
      }
    }
    const before = rules.lines.length;
    if (detection.kind === 'ip') ipRules(detection, rules, note);
    else if (detection.kind === 'domain') domainRules(detection, rules);
    else if (detection.kind === 'url') urlRules(detection, rules, note);
    else hashRules(detection, rules, extraFiles);
    if (rules.lines.length === before) note(`no ${detection.kind} indicators Suricata can match: no rule`);
  }
  if (rules.lines.length > 0) {
    const header = [
      `# huntforge rules generated ${context.generated.toISOString()} from ${context.source}`.replace(
        /[\u0000-\u001f\u007f]+/g,
        ' ',
      ),
      '# classtypes domain-c2 and command-and-control are in the classification.config Suricata ships',
    ];
    output.files.push({
      path: 'suricata/huntforge.rules',
      content: `${[...header, ...rules.lines].join('\n')}\n`,
    });
    output.files.push(...extraFiles);
  }
  return output;
}
