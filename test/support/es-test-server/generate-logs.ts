/**
 * Deterministic log generator shaped like the Mycelium Chat runbook (Filebeat inputs synapse, bridge,
 * discovery; Kibana queries on service/level/message/processing_time), plus nginx and postgres.
 * Same (n, seed, endMs, spanMs) → same documents. Output is sorted by @timestamp ascending.
 * Traffic follows a daily curve with three incident bursts (database pool exhaustion on synapse,
 * federation failures on bridge, a discovery outage) so histograms have shape.
 */
import type { LogDoc, LogLevel } from './types';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const USERS = ['@alice:example.org', '@bob:example.org', '@carol:matrix.org', '@dave:example.org', '@eve:mozilla.org', '@frank:example.org'];
const REMOTES = ['matrix.org', 'mozilla.org', 'kde.org', 'gnome.org', 'fosdem.org'];
const ENDPOINTS = ['/_matrix/client/v3/sync', '/_matrix/client/v3/rooms/!abc:example.org/send/m.room.message', '/_matrix/client/v3/login', '/_matrix/federation/v1/send', '/_matrix/client/versions', '/_matrix/media/v3/upload'];
const BRIDGES = ['telegram', 'slack', 'irc', 'discord'];
const SYNAPSE_LOGGERS = ['synapse.http.server', 'synapse.handlers.auth', 'synapse.storage.database', 'synapse.federation.sender', 'synapse.handlers.presence'];

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;
const hostName = (i: number): string => `server-${String(i).padStart(3, '0')}`;

interface Burst {
  service: string;
  /** Fraction of the span where the burst starts, and its length. */
  at: number;
  len: number;
  share: number;
}
const BURSTS: Burst[] = [
  { service: 'synapse', at: 0.31, len: 0.012, share: 0.05 },
  { service: 'bridge', at: 0.62, len: 0.02, share: 0.05 },
  { service: 'discovery', at: 0.86, len: 0.008, share: 0.02 },
];

function hex(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rng() * 16).toString(16);
  return s;
}

function lognormal(rng: Rng, median: number, sigma: number): number {
  const u = Math.max(rng(), 1e-12);
  const v = rng();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.max(1, Math.round(median * Math.exp(sigma * z)));
}

function chooseLevel(rng: Rng, burst: boolean): LogLevel {
  const r = rng();
  if (burst) return r < 0.6 ? 'ERROR' : r < 0.85 ? 'WARN' : 'INFO';
  return r < 0.12 ? 'DEBUG' : r < 0.75 ? 'INFO' : r < 0.9 ? 'WARN' : 'ERROR';
}

function chooseService(rng: Rng): string {
  const r = rng();
  return r < 0.4 ? 'synapse' : r < 0.65 ? 'bridge' : r < 0.8 ? 'discovery' : r < 0.92 ? 'nginx' : 'postgres';
}

function message(rng: Rng, service: string, level: LogLevel, burst: boolean, doc: LogDoc): string {
  const user = pick(rng, USERS);
  const remote = pick(rng, REMOTES);
  const ms = doc.processing_time ?? lognormal(rng, 90, 1.2);
  switch (service) {
    case 'synapse':
      if (burst && level === 'ERROR') return rng() < 0.7 ? 'Database connection pool exhausted' : 'Database query timeout after 30000ms';
      switch (level) {
        case 'DEBUG':
          return pick(rng, [`Cache hit for key get_user_by_id(${user})`, `Fetching event $${hex(rng, 8)} from database`, `Presence update for ${user} coalesced`]);
        case 'INFO':
          return pick(rng, [
            `Processed request: 200 GET ${pick(rng, ENDPOINTS)} in ${ms}ms`,
            `User ${user} logged in from device ${hex(rng, 6).toUpperCase()}`,
            `Sent ${1 + Math.floor(rng() * 40)} events to ${1 + Math.floor(rng() * 9)} rooms`,
            `Handled presence update for ${user}`,
          ]);
        case 'WARN':
          return pick(rng, [`Slow database query took ${ms}ms`, `Rate limited user ${user}`, `Database connection pool usage at ${80 + Math.floor(rng() * 20)}%`]);
        case 'ERROR': {
          const r = rng();
          if (r < 0.45) {
            doc.user = user;
            return `Authentication failed for user ${user}`;
          }
          if (r < 0.65) return 'Database connection pool exhausted';
          if (r < 0.8) return 'Failed to connect to tf_connect: connection refused';
          if (r < 0.9) return `Database query timeout after 30000ms`;
          return `Unhandled error in request ${pick(rng, ENDPOINTS)}: Internal Server Error`;
        }
      }
      break;
    case 'bridge':
      if (burst && level === 'ERROR') return `Federation request to ${remote} failed`;
      switch (level) {
        case 'DEBUG':
          return `Polling ${pick(rng, BRIDGES)} for new messages`;
        case 'INFO':
          return pick(rng, [`Bridged message from ${pick(rng, BRIDGES)} to !room${Math.floor(rng() * 50)}:example.org`, `Federation request to ${remote} succeeded in ${ms}ms`]);
        case 'WARN':
          return pick(rng, [`High federation latency to ${remote}: ${ms}ms`, `Retrying federation request to ${remote} (attempt ${2 + Math.floor(rng() * 3)})`]);
        case 'ERROR':
          return pick(rng, [`Federation request to ${remote} failed`, `Federation request to ${remote} failed: timeout after 30s`, `Failed to decrypt event from ${user}`]);
      }
      break;
    case 'discovery':
      if (burst && level === 'ERROR') return 'Service registry unreachable';
      switch (level) {
        case 'DEBUG':
          return `Refreshing peer table (${10 + Math.floor(rng() * 10)} entries)`;
        case 'INFO':
          return pick(rng, [`Discovered ${5 + Math.floor(rng() * 15)} peers`, `Registered service synapse on ${hostName(1 + Math.floor(rng() * 20))}`, 'Health check passed']);
        case 'WARN':
          return pick(rng, [`Peer ${hostName(1 + Math.floor(rng() * 20))} did not respond to ping`, `Service registry lookup slow: ${ms}ms`]);
        case 'ERROR':
          return pick(rng, ['Service registry unreachable', 'DNS lookup failed for _matrix._tcp.example.org', `Lost connection to peer ${hostName(1 + Math.floor(rng() * 20))}`]);
      }
      break;
    case 'nginx':
      switch (level) {
        case 'DEBUG':
        case 'INFO':
          return `${pick(rng, ['GET', 'POST', 'PUT'])} ${pick(rng, ENDPOINTS)} HTTP/1.1 200`;
        case 'WARN':
          return `upstream response time ${(ms / 1000).toFixed(3)}s exceeds threshold`;
        case 'ERROR':
          return pick(rng, [
            'upstream timed out (110: Connection timed out) while reading response header from upstream',
            'connect() failed (111: Connection refused) while connecting to upstream',
          ]);
      }
      break;
    default:
      switch (level) {
        case 'DEBUG':
        case 'INFO':
          return pick(rng, [`checkpoint complete: wrote ${Math.floor(rng() * 5000)} buffers`, 'automatic vacuum of table "synapse.public.events"']);
        case 'WARN':
          return `checkpoints are occurring too frequently (${5 + Math.floor(rng() * 20)} seconds apart)`;
        case 'ERROR':
          return pick(rng, ['FATAL: remaining connection slots are reserved for non-replication superuser connections', 'FATAL: sorry, too many clients already']);
      }
  }
  return 'Unknown event';
}

/** `n` log documents covering [endMs - spanMs, endMs), sorted by @timestamp. */
export function generateLogs(n: number, seed = 1, endMs = Date.now(), spanMs = 24 * 3_600_000): LogDoc[] {
  const rng = mulberry32(seed);
  const start = endMs - spanMs;
  const times = new Float64Array(n);
  const burstOf = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    let b = -1;
    let r = rng();
    for (let k = 0; k < BURSTS.length; k++) {
      const burst = BURSTS[k] as Burst;
      if (r < burst.share) {
        b = k;
        break;
      }
      r -= burst.share;
    }
    let frac: number;
    if (b >= 0) {
      const burst = BURSTS[b] as Burst;
      frac = burst.at + rng() * burst.len;
    } else {
      // Daily curve: rejection sampling on 1 + 0.6·sin.
      for (;;) {
        frac = rng();
        if (rng() * 1.6 < 1 + 0.6 * Math.sin(2 * Math.PI * (frac * (spanMs / 86_400_000)) - Math.PI / 2)) break;
      }
    }
    times[i] = start + Math.floor(frac * spanMs);
    burstOf[i] = b;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
  const docs: LogDoc[] = new Array(n);
  for (let j = 0; j < n; j++) {
    const i = order[j] as number;
    const b = burstOf[i] as number;
    const burst = b >= 0;
    const service = burst && rng() < 0.85 ? (BURSTS[b] as Burst).service : chooseService(rng);
    const inBurstService = burst && service === (BURSTS[b] as Burst).service;
    const level = chooseLevel(rng, inBurstService);
    const doc: LogDoc = {
      '@timestamp': new Date(times[i] as number).toISOString(),
      service,
      level,
      message: '',
      host: hostName(1 + Math.floor(rng() * 20)),
      trace_id: hex(rng, 16),
    };
    if (service === 'synapse' || service === 'bridge' || service === 'nginx') {
      const slow = inBurstService && rng() < 0.5;
      doc.processing_time = slow ? 1000 + lognormal(rng, 2500, 0.5) : lognormal(rng, 90, 1.2);
    }
    if (service === 'synapse') doc.logger = pick(rng, SYNAPSE_LOGGERS);
    doc.message = message(rng, service, level, inBurstService, doc);
    docs[j] = doc;
  }
  return docs;
}
