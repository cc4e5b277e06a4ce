/**
 * @module cli/notify
 * `echo-perf notify test [--config FILE] [--notifier NAME]`: sends one test
 * notification through each configured remote notifier (or the one named),
 * straight to its receiver (no grouping, no outbox), and reports each result.
 * Exit 0 all delivered, 1 one or more failed, 2 bad arguments or config.
 */
import { parseArgs } from 'node:util';
import { SystemClock } from '../core/clock.js';
import { silentLogger } from '../core/logger.js';
import { loadConfigFile, parseConfig } from '../config/index.js';
import { AlertDelivery } from '../notify/center.js';
import { createNotifier } from '../notify/senders/index.js';
import { NOTIFY_USAGE, parseOrUsage, shown, usageError } from './usage.js';

type Out = (s: string) => void;

export async function runNotify(argv: string[], out: Out): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'test') throw usageError(`notify: unknown subcommand ${shown(sub ?? '')}; expected test`, NOTIFY_USAGE);
  const { values } = parseOrUsage(NOTIFY_USAGE, () =>
    parseArgs({
      args: rest,
      options: {
        config: { type: 'string', short: 'c' },
        notifier: { type: 'string', short: 'n' },
        format: { type: 'string', default: 'table' },
      },
      strict: true,
    }),
  );
  if (values.format !== 'table' && values.format !== 'json') throw usageError(`--format: got ${shown(values.format)}; expected table or json`, NOTIFY_USAGE);
  const config = values.config !== undefined ? loadConfigFile(values.config) : parseConfig({});
  const externalURL = config.alerting.external_url ?? `http://${config.server.host}:${config.server.port}`;
  const delivery = new AlertDelivery(config.notifiers, {
    clock: new SystemClock(),
    logger: silentLogger,
    externalURL: () => externalURL,
    createNotifier,
    evaluationIntervalMs: () => config.monitoring_interval * 1000,
  });
  if (delivery.size === 0) {
    throw usageError(`notify test: no remote notifier is configured${values.config === undefined ? ' (give --config FILE)' : ` in ${shown(values.config)}`}; add one under "notifiers"`, NOTIFY_USAGE);
  }
  try {
    const results = await delivery.test(values.notifier);
    if (values.format === 'json') out(JSON.stringify(results, null, 2) + '\n');
    else {
      for (const r of results) {
        const head = `${r.ok ? 'ok    ' : 'FAILED'} ${r.name} (${r.type} → ${r.target}) ${Math.round(r.ms)} ms`;
        out(r.ok ? `${head}\n` : `${head}: ${r.error ?? ''}\n`);
      }
    }
    return results.every((r) => r.ok) ? 0 : 1;
  } finally {
    await delivery.close();
  }
}
