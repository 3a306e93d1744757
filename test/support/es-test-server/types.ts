/** Shared types of the Elasticsearch-protocol test server (a stand-in for tests; never shipped). */

export type EsFlavor = 'elasticsearch' | 'opensearch';
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** One generated log line, shaped like the runbooks' Filebeat/Logstash documents. */
export interface LogDoc {
  '@timestamp': string;
  service: string;
  level: LogLevel;
  message: string;
  host: string;
  trace_id: string;
  /** Milliseconds; present for synapse, bridge and nginx lines only. */
  processing_time?: number;
  /** Python logger name; synapse lines only. */
  logger?: string;
  /** Matrix user id; on authentication and rate-limit lines. */
  user?: string;
}

/** Field types of the index mapping. `text` is analysed (case-insensitive words); `keyword` is exact. */
export type FieldType = 'date' | 'text' | 'keyword' | 'long' | 'double' | 'boolean';

export interface Token {
  /** Lower-cased term. */
  t: string;
  start: number;
  end: number;
  pos: number;
}

/** A stored document: `num` is the Lucene-like doc id (insertion order), `ts` the parsed @timestamp. */
export interface Rec {
  num: number;
  ts: number;
  id: string;
  src: Record<string, unknown>;
  /** Lazily filled token cache for text fields. */
  tok?: Map<string, Token[]>;
}

/** An immutable view of the index: records sorted by (ts, num); a PIT keeps a reference to one. */
export interface Snapshot {
  recs: readonly Rec[];
  ts: Float64Array;
}

/** Thrown anywhere inside request handling; the server answers `status` with `body` as JSON (or text). */
export class EsHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

/** Inner failure of query/agg construction; wrapped into search_phase_execution_exception by the search layer. */
export class ShardFailure extends Error {
  constructor(
    readonly type: string,
    readonly reason: string,
    readonly status = 400,
    readonly causedBy?: { type: string; reason: string; caused_by?: unknown },
  ) {
    super(`${type}: ${reason}`);
  }
}

export interface VersionInfo {
  number: string;
  major: number;
  minor: number;
}

export function parseVersion(v: string): VersionInfo {
  const m = /^(\d+)\.(\d+)/.exec(v);
  return { number: v, major: m ? Number(m[1]) : 0, minor: m ? Number(m[2]) : 0 };
}

export function versionAtLeast(v: VersionInfo, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}
