/** @module collect/scrape  Prometheus-style scraping of /metrics endpoints. */
export { ScrapeManager, USER_AGENT } from './manager.js';
export { ScrapeTarget } from './target.js';
export type { ScrapeSink, ScrapeTargetSpec, TargetStatus, FamilyMeta, PageMeta } from './target.js';
export type { ScrapeAuth } from './credentials.js';
export type { PageLimits } from './pageLimits.js';
export { fetchPage, ScrapeError, SCRAPE_ACCEPT_HEADER } from './fetchPage.js';
