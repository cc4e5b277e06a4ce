// Stryker ignorer "error-wording": leaves unmutated the wording of what an error says was expected and
// the text of log lines. A mutant that empties "expected a label name" or a log message changes no
// decision the code makes, so no test should fail on it, and counting it would only bury the mutants
// that matter. What errors name (the field, the value, the error code) is still mutated, as are
// strings the code compares against.
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

/** Error builders of src/ and the position of their `expected` argument. */
const EXPECTED_ARG = new Map([
  ['bad', 2],
  ['refuse', 0],
  ['_fail', 0],
]);
const LOG_METHODS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

function calleeName(callee) {
  if (callee.type === 'Identifier') return { name: callee.name, object: undefined };
  if (callee.type === 'MemberExpression' && callee.property.type === 'Identifier') {
    const o = callee.object;
    const object = o.type === 'ThisExpression' ? 'this' : o.type === 'Identifier' ? o.name : o.type === 'MemberExpression' && o.property.type === 'Identifier' ? o.property.name : undefined;
    return { name: callee.property.name, object };
  }
  return undefined;
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'error-wording', {
    shouldIgnore(path) {
      if (!path.isStringLiteral() && !path.isTemplateLiteral()) return undefined;
      const call = path.parentPath;
      if (call === null || (!call.isCallExpression() && !call.isNewExpression())) return undefined;
      const callee = calleeName(call.node.callee);
      if (callee === undefined) return undefined;
      const at = call.node.arguments.indexOf(path.node);
      if (callee.object === undefined && EXPECTED_ARG.get(callee.name) === at) return 'wording of what an error expected';
      if (callee.object === 'this' && callee.name === '_fail' && at === 0) return 'wording of what an error expected';
      if (LOG_METHODS.has(callee.name) && callee.object !== undefined && /log/i.test(callee.object)) return 'log line wording';
      return undefined;
    },
  }),
];
