/** @module config/rules/threshold  A level crossed, with levels per severity and hysteresis. */
import * as v from 'valibot';
import { refine, strictObject } from '../schemaParts.js';
import { commonRuleFields, finite, positiveSeconds } from './common.js';

/** A number means one WARNING level. */
const levels = v.union(
  [
    finite,
    v.pipe(
      strictObject({ info: v.optional(finite), warning: v.optional(finite), critical: v.optional(finite) }),
      refine((l, report) => {
        if (l.info === undefined && l.warning === undefined && l.critical === undefined) report('at least one of info, warning, critical');
      }),
    ),
  ],
  'a number, or an object of info, warning and critical levels',
);

export const thresholdRuleSchema = v.pipe(
  strictObject({
    kind: v.literal('threshold'),
    ...commonRuleFields,
    /** fires when the value is above the level(s) */
    above: v.optional(levels),
    /** fires when the value is below the level(s) */
    below: v.optional(levels),
    /**
     * hysteresis: once firing, the condition holds until the value is back past this level
     * (at or under it for `above`, at or over it for `below`); default: the lowest level itself
     */
    clear: v.optional(finite),
    /**
     * seconds: compare the counter's increase over this window instead of its value
     * (Prometheus `increase(metric[window])`, counter resets handled, not extrapolated)
     */
    increase: v.optional(positiveSeconds),
    /**
     * seconds: a series with no new sample for this long no longer holds the condition (for series a
     * source writes only while something holds, like gpu_throttle_active; Prometheus gets the same
     * from the staleness marker a scrape writes when a series disappears)
     */
    stale_after: v.optional(positiveSeconds),
  }),
  refine((r, report) => {
    // `{ name, kind, metric, enabled: false }` alone turns off the rule of that name (a default one).
    if ((r.above === undefined) !== (r.below === undefined) || (!r.enabled && r.above === undefined && r.below === undefined)) return;
    report('exactly one of above or below', ['above']);
  }),
);
export type ThresholdRuleConfig = v.InferOutput<typeof thresholdRuleSchema>;
