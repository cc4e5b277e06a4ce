/** @module config/rules/forecast  Time until a level is crossed ("disk full in 3 h"). */
import { z } from 'zod';
import { commonRuleFields, finite, positiveSeconds } from './common.js';

export const forecastRuleSchema = z
  .strictObject({
    kind: z.literal('forecast'),
    ...commonRuleFields,
    /** the level whose crossing is forecast, rising to it */
    above: finite.optional(),
    /** or falling to it */
    below: finite.optional(),
    /** fires when the crossing is forecast within this many seconds */
    horizon: positiveSeconds,
    /** seconds of history the forecast is fitted to */
    window: positiveSeconds.default(1800),
    method: z.enum(['linear', 'holt']).default('holt'),
  })
  .refine((r) => (r.above === undefined) !== (r.below === undefined), { message: 'exactly one of above or below', path: ['above'] });
export type ForecastRuleConfig = z.infer<typeof forecastRuleSchema>;
