/** Elasticsearch/OpenSearch-protocol test server (tests only; never shipped in the app). */
export { startEsTestServer, type EsTestServer, type EsTestServerOptions, type RequestLogEntry } from './server';
export { generateLogs, mulberry32 } from './generate-logs';
export { parseQueryString, QueryStringSyntaxError, type QsNode } from './query-string';
export type { EsFlavor, LogDoc, LogLevel } from './types';
