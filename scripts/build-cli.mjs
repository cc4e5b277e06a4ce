// Bundles the CLI that tsc compiled (dist/cli/main.js) and the store's writer
// thread, with the dependencies they import, into dist/cli: main.js is replaced
// by the bundle, and each command's code is a chunk of its own loaded when that
// command runs. Why: the agent is one long-running process, and each of the ~580
// modules a start loaded kept its own source, module record and scope there; the
// bundle holds 6-7 MiB less RSS at steady state (BENCHMARKS.md, "where the RSS
// goes"). Left in node_modules: better-sqlite3 (a native addon), and what the code
// loads through createRequire at first use (pino-pretty, nodemailer, protobufjs,
// snappyjs, fastify's schema compilers), which esbuild does not follow.
// The library (dist/index.js) stays as tsc wrote it, a module per file, for
// embedders' own bundlers. Every file written here sits in dist/cli, two levels
// below package.json, as the files it replaces did: the paths they resolve
// against import.meta.url (package.json, dist/web, writer.worker.js) still hold.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'cli');
// Chunks of an earlier build: their names carry a hash, so they would pile up.
for (const f of readdirSync(out)) if (/^[\w.]+-[A-Z0-9]{8}\.js(\.map)?$/.test(f)) rmSync(join(out, f));
await build({
  entryPoints: {
    main: join(out, 'main.js'),
    'writer.worker': join(root, 'dist', 'store', 'disk', 'writer.worker.js'),
  },
  outdir: out,
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  external: ['better-sqlite3'],
  // CommonJS dependencies call require() for Node's built-in modules; an ES module has none of its own.
  banner: { js: "import { createRequire as __echoPerfRequire } from 'node:module'; const require = __echoPerfRequire(import.meta.url);" },
  format: 'esm',
  platform: 'node',
  target: ['node20'],
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  sourcemap: true,
  // The bundled dependencies' licence comments, in a file beside each bundle.
  legalComments: 'linked',
  logLevel: 'warning',
});
