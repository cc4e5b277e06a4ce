/**
 * @module export/rulesYaml
 * A Prometheus rules file as YAML text
 * (prometheus.io/docs/prometheus/latest/configuration/recording_rules/#rule_group):
 * a tiny emitter for the one shape it has, so no YAML library is needed.
 * Every string is quoted, so no value can turn into YAML syntax.
 */

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string | undefined;
  readonly keep_firing_for?: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Lines written as YAML comments above the rule (what the rule leaves out, and why). */
  readonly notes?: readonly string[];
}

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly notes?: readonly string[];
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly (AlertingRule | RecordingRule)[];
  /** Comment lines at the end of the group: rules that could not be written, and why. */
  readonly omitted: readonly string[];
}

/** YAML single quotes take everything but line breaks and control characters; those get JSON's double quotes. */
export function yamlString(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\u2028\u2029]/.test(s)) return JSON.stringify(s);
  return `'${s.replaceAll("'", "''")}'`;
}

function comment(line: string, indent: string): string {
  return `${indent}# ${line.replace(/[\r\n]+/g, ' ')}`;
}

function map(key: string, m: Readonly<Record<string, string>>, indent: string): string[] {
  const keys = Object.keys(m);
  if (keys.length === 0) return [];
  return [`${indent}${key}:`, ...keys.map((k) => `${indent}  ${k}: ${yamlString(m[k]!)}`)];
}

function ruleLines(r: AlertingRule | RecordingRule): string[] {
  const out = (r.notes ?? []).map((n) => comment(n, '      '));
  if ('alert' in r) {
    out.push(`      - alert: ${yamlString(r.alert)}`, `        expr: ${yamlString(r.expr)}`);
    if (r.for !== undefined) out.push(`        for: ${r.for}`);
    if (r.keep_firing_for !== undefined) out.push(`        keep_firing_for: ${r.keep_firing_for}`);
    out.push(...map('labels', r.labels, '        '), ...map('annotations', r.annotations, '        '));
  } else {
    out.push(`      - record: ${yamlString(r.record)}`, `        expr: ${yamlString(r.expr)}`, ...map('labels', r.labels ?? {}, '        '));
  }
  return out;
}

export function renderRulesYaml(header: readonly string[], groups: readonly RuleGroup[]): string {
  const out = header.map((h) => comment(h, ''));
  const kept = groups.filter((g) => g.rules.length > 0);
  if (kept.length === 0) out.push('groups: []');
  else out.push('groups:');
  for (const g of groups) {
    if (g.rules.length === 0) {
      // Prometheus accepts an empty group, but one that holds nothing is noise: its notes go to the top level.
      out.push(...g.omitted.map((o) => comment(`${g.name}: ${o}`, '')));
      continue;
    }
    out.push(`  - name: ${yamlString(g.name)}`, '    rules:');
    for (const r of g.rules) out.push(...ruleLines(r));
    out.push(...g.omitted.map((o) => comment(o, '      ')));
  }
  return out.join('\n') + '\n';
}
