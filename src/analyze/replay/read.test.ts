import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvMetricName } from './read.js';

test('a CSV file name becomes a metric name by underscore escaping; --metric is taken as given', () => {
  assert.equal(csvMetricName('data/realKnownCause/ec2_request_latency_system_failure.csv', undefined), 'ec2_request_latency_system_failure');
  assert.equal(csvMetricName('data/realAdExchange/exchange-2_cpc_results.csv', undefined), 'exchange_2_cpc_results');
  assert.equal(csvMetricName('/tmp/a b"c\nd\\e.csv', undefined), 'a_b_c_d_e');
  assert.equal(csvMetricName('/tmp/job:rate5m.csv', undefined), 'job:rate5m');
  assert.equal(csvMetricName('/tmp/5xx.csv', undefined), '_5xx', 'no leading digit');
  assert.equal(csvMetricName('/tmp/température.csv', undefined), 'temp_rature');
  assert.equal(csvMetricName('/tmp/.csv', undefined), '_csv', 'a dot file: the whole name, escaped');
  assert.equal(csvMetricName('/tmp/x.csv', 'cpu_usage'), 'cpu_usage');
  const long = csvMetricName(`/tmp/${'9'.repeat(250)}.csv`, undefined);
  assert.equal(long.length, 200);
  assert.match(long, /^_9+$/);
  for (const n of ['ec2', 'a-b', '5xx', 'température', 'x'.repeat(300)]) assert.match(csvMetricName(`/d/${n}.csv`, undefined), /^[a-zA-Z_:][a-zA-Z0-9_:]{0,199}$/);
});
