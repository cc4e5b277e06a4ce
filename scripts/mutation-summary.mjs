// Per-folder figures from Stryker's JSON report (reports/mutation/mutation.json, or the path given):
// `node scripts/mutation-summary.mjs [report.json] [--survivors src/alert]`.
// Score as Stryker computes it: (killed + timeout) / (killed + timeout + survived + no coverage).
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const survivorsAt = args.indexOf('--survivors');
const survivorsOf = survivorsAt >= 0 ? args[survivorsAt + 1] : undefined;
const reportPath = args.find((a, i) => !a.startsWith('--') && !(survivorsAt >= 0 && i === survivorsAt + 1)) ?? 'reports/mutation/mutation.json';
const report = JSON.parse(readFileSync(reportPath, 'utf8'));

const folders = new Map();
for (const [file, { mutants }] of Object.entries(report.files)) {
  const rel = file.replace(/^.*?(src\/)/, '$1');
  const folder = rel.split('/').slice(0, 2).join('/');
  const c = folders.get(folder) ?? { mutants: 0, Killed: 0, Survived: 0, NoCoverage: 0, Timeout: 0, other: 0 };
  for (const m of mutants) {
    c.mutants++;
    if (m.status in c) c[m.status]++;
    else c.other++;
    if (survivorsOf && rel.startsWith(survivorsOf) && (m.status === 'Survived' || m.status === 'NoCoverage')) {
      const at = `${rel}:${m.location.start.line}:${m.location.start.column}`;
      console.log(`${m.status.padEnd(10)} ${at.padEnd(44)} ${m.mutatorName.padEnd(22)} ${String(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80)}`);
    }
  }
  folders.set(folder, c);
}
console.log('| folder | mutants | killed | survived | no coverage | timeout | other | score |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const [folder, c] of [...folders].sort()) {
  const detected = c.Killed + c.Timeout;
  const valid = detected + c.Survived + c.NoCoverage;
  const score = valid === 0 ? 'n/a' : `${((100 * detected) / valid).toFixed(2)} %`;
  console.log(`| ${folder} | ${c.mutants} | ${c.Killed} | ${c.Survived} | ${c.NoCoverage} | ${c.Timeout} | ${c.other} | ${score} |`);
}
