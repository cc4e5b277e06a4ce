/** @module config/rules/forecast  Time until a level is crossed ("disk full in 3 h"). */
import * as v from 'valibot';
import { refine, strictObject } from '../schemaParts.js';
import { commonRuleFields, finite, positiveSeconds } from './common.js';

export const forecastRuleSchema = v.pipe(
  strictObject({
    kind: v.literal('forecast'),
    ...commonRuleFields,
    /** the level whose crossing is forecast, rising to it */
    above: v.optional(finite),
    /** or falling to it */
    below: v.optional(finite),
    /** fires when the crossing is forecast within this many seconds */
    horizon: positiveSeconds,
    /** seconds of history the forecast is fitted to */
    window: v.optional(positiveSeconds, 1800),
    method: v.optional(v.picklist(['linear', 'holt']), 'holt'),
  }),
  refine((r, report) => {
    if ((r.above === undefined) === (r.below === undefined)) report('exactly one of above or below', ['above']);
  }),
);
export type ForecastRuleConfig = v.InferOutput<typeof forecastRuleSchema>;
