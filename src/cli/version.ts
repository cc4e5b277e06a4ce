/** @module cli/version  `echo-perf --version`: the version in the package's own package.json. */
import { readFileSync } from 'node:fs';

/**
 * Read at run time rather than copied in at build time, so that it cannot drift
 * from the package; src/cli/ and dist/cli/ both sit two levels below package.json.
 */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error(`package.json: version: got ${JSON.stringify(pkg.version)}; expected a string`);
  return pkg.version;
}
