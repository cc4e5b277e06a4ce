// Mutation testing (StrykerJS): does a unit test fail when the code is broken on purpose?
// Run by hand with `npm run mutate` (one folder: `npm run mutate -- --mutate 'src/alert/**/*.ts'`);
// it is not part of `npm test` or CI because a folder takes many minutes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const stages = ['alert', 'store', 'collect', 'analyze'];

function walk(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

const sources = walk('src').filter((p) => p.endsWith('.ts'));

// Property tests run thousands of generated cases per file; a mutant run repeats them for every
// mutant they cover, which the two shared cores cannot afford. They stay in `npm test`.
const unitTests = sources.filter((p) => p.endsWith('.test.ts') && !p.endsWith('.property.test.ts'));

// Files that hold only types and interfaces have nothing to mutate at run time.
const runtimeCode = /^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:const|let|var|function|class|enum)\b/m;
const mutable = (p) => !p.endsWith('.test.ts') && runtimeCode.test(readFileSync(p, 'utf8'));

// `--mutate src/<stage>/...` on the command line narrows the run to one stage. The tap runner starts
// one process per test file, and a surviving mutant reruns every file that reaches it, so the runner
// gets only that stage's own tests and the tests that import it directly (MUTATE_ALL_TESTS=1: every
// unit test; MUTATE_OWN_TESTS=1: only the stage's own tests, which keeps a run of store, whose code
// every monitor test reaches, within minutes).
function mutateArg() {
  const argv = process.argv;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--mutate' || argv[i] === '-m') return argv[i + 1] ?? '';
    if (argv[i].startsWith('--mutate=')) return argv[i].slice('--mutate='.length);
  }
  return '';
}
const requested = stages.filter((s) => mutateArg().includes(`src/${s}/`) || mutateArg() === `src/${s}`);
// MUTATE_TEST_FILES=a.test.ts,b.test.ts: exactly these (a sample of a stage whose tests start disk
// writers and peers, too slow to rerun for every mutant on two cores).
const listed = (process.env.MUTATE_TEST_FILES ?? '').split(',').filter((f) => f !== '');
const testFiles =
  listed.length > 0
    ? listed
    : requested.length === 0 || process.env.MUTATE_ALL_TESTS === '1'
    ? unitTests
    : unitTests.filter((t) =>
        requested.some(
          (s) =>
            t.startsWith(`src/${s}/`) ||
            (process.env.MUTATE_OWN_TESTS !== '1' && new RegExp(`from '(?:\\.\\./)+(?:src/)?${s}/`).test(readFileSync(t, 'utf8'))),
        ),
      );

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'tap',
  plugins: ['@stryker-mutator/tap-runner', './scripts/stryker-ignore-wording.mjs'],
  // Error wording and log text are not decisions (see the plugin); everything else is mutated.
  ignorers: ['error-wording'],
  tap: {
    testFiles,
    // Tests run from TypeScript source, as in scripts/run-tests.mjs.
    nodeArgs: ['--import', 'tsx'],
  },
  // The tap runner reports coverage per test file, so each mutant runs only the files that reach it.
  coverageAnalysis: 'perTest',
  mutate: stages.flatMap((s) => sources.filter((p) => p.startsWith(`src/${s}/`) && mutable(p))),
  // Built output, docs and web assets are not needed by unit tests; copying them slows every start.
  ignorePatterns: ['dist', 'bench', 'web', 'docs', 'examples', 'contrib', 'coverage', '.echo-perf'],
  // Runs resume: mutants whose code and covering tests did not change keep their last result.
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, reportScoreTable: true, reportMutants: false },
  // Two cores shared by several people: one test process at a time.
  concurrency: 1,
  timeoutMS: 10000,
  thresholds: { high: 85, low: 70, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
