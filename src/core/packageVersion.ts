/**
 * @module core/packageVersion  The version in the package's own package.json.
 *
 * Read at run time rather than copied in at build time, so that it cannot drift
 * from the package. Every module that reads it sits two levels below
 * package.json: src/core/, dist/core/ and the bundled CLI in dist/cli/
 * (scripts/build-cli.mjs), which is why this lives in one place.
 */
import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error(`package.json: version: got ${JSON.stringify(pkg.version)}; expected a string`);
  return pkg.version;
}

let agent: string | undefined;
/** `echo-perf/<version>` for User-Agent headers; `echo-perf/unknown` where package.json cannot be read (an embedder's own bundle). */
export function agentName(): string {
  if (agent === undefined) {
    try {
      agent = `echo-perf/${packageVersion()}`;
    } catch {
      agent = 'echo-perf/unknown';
    }
  }
  return agent;
}
