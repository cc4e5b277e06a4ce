/** @module config  One schema → typed config, JSON Schema, clear errors. */
export { configSchema, thresholdKeys } from './schema.js';
export type { EchoPerfConfig, EchoPerfConfigInput, ThresholdKey } from './schema.js';
export { parseConfig, loadConfigFile, configJsonSchema, formatIssue } from './load.js';
export type { ConfigIssue } from './load.js';
