/** @module cli/version  `echo-perf --version`: the version in the package's own package.json. */
export { packageVersion } from '../core/packageVersion.js';
