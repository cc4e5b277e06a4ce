/**
 * @module export/report/types
 * What a report is made of, whatever its source (a data dir read by the CLI,
 * or a live monitor's memory): series over a range, alert records, components.
 */
import type { Labels } from '../../core/types.js';

export interface ReportSeries {
  readonly name: string;
  readonly labels: Labels;
  /** The internal unit (`%`, `ms`, `ratio`, …), when known. */
  readonly unit?: string | undefined;
  /** `[ms, value]`, oldest first. */
  readonly points: readonly (readonly [number, number])[];
  /** `[bucket start, min, max]` of a rollup tier, for a band around the means. */
  readonly bands?: readonly (readonly [number, number, number])[] | undefined;
}

export interface ReportAlert {
  readonly name: string;
  readonly severity: string;
  readonly component: string;
  readonly status: string;
  readonly startsAt: number;
  /** Undefined while firing. */
  readonly endsAt?: number | undefined;
  readonly message: string;
  readonly labels: Labels;
}

export interface ReportData {
  readonly generatedAt: number;
  readonly host: string;
  readonly range: { readonly start: number; readonly end: number };
  /** Where the points came from: memory, or the store tier covering the range. */
  readonly tier: string;
  readonly series: readonly ReportSeries[];
  /** Series not gathered (past the bound), by name: the report says so. */
  readonly leftOut: readonly string[];
  readonly alerts: readonly ReportAlert[];
  /** A caveat on how complete the alert records are, shown above the timeline. */
  readonly alertsNote?: string | undefined;
  /** State of each component, when the source knows it (a live monitor). */
  readonly componentStates?: Readonly<Record<string, string>> | undefined;
}
