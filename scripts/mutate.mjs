// `npm run mutate [-- --mutate 'src/alert/**/*.ts']`: StrykerJS with the project's config.
// A --mutate pattern from the command line replaces the config's list, so the test files under
// that pattern are excluded here; otherwise Stryker would mutate the tests themselves.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const args = process.argv.slice(2).map((arg, i, all) => {
  const previous = all[i - 1];
  if (previous === '--mutate' || previous === '-m') return `${arg},!src/**/*.test.ts`;
  if (arg.startsWith('--mutate=')) return `${arg},!src/**/*.test.ts`;
  return arg;
});
const core = dirname(createRequire(import.meta.url).resolve('@stryker-mutator/core/package.json'));
const bin = join(core, 'bin', 'stryker.js');
const r = spawnSync(process.execPath, [bin, 'run', ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
