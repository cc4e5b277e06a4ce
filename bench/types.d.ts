// Minimal typing for the untyped npm peer the parse benchmark compares against.
declare module 'parse-prometheus-text-format' {
  /** Parses Prometheus text format 0.0.4 into an array of metric family objects. */
  export default function parsePrometheusTextFormat(text: string): unknown[];
}
