import { z } from 'zod';
import { request } from './define';
import type { OpenSilenceEvent } from './links';

export type AlertmanagerState = 'active' | 'suppressed' | 'unprocessed';

/** Who acknowledged an alert: an active silence whose comment starts with `ACK!` (karma / kthxbye convention). */
export interface AckInfo {
  by: string;
  /** When the ACK silence started (ms since epoch). */
  at: number;
  endsAt: number;
  /** Every ACK silence covering the alert (one per Alertmanager cluster, usually one). */
  silenceIds: string[];
  comment: string;
}

export interface AlertView {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  updatedAt: string;
  endsAt: string;
  generatorURL: string;
  state: AlertmanagerState;
  silencedBy: string[];
  inhibitedBy: string[];
  receivers: string[];
  /** Which configured Alertmanagers hold this alert (HA replicas merged). */
  alertmanagers: string[];
  /** Set when an ACK! silence covers the alert; absent otherwise. */
  ack?: AckInfo | null;
}

export type AlertsUpdate =
  | { kind: 'snapshot'; seq: number; environment: string | null; alerts: AlertView[] }
  | { kind: 'diff'; seq: number; environment: string | null; upserted: AlertView[]; removed: string[] };

/** Alertmanager's matcher: `=` isEqual && !isRegex, `!=`, `=~` isRegex, `!~`. */
export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

export type SilenceState = 'active' | 'pending' | 'expired';

export interface SilenceView {
  id: string;
  matchers: SilenceMatcher[];
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  createdBy: string;
  comment: string;
  state: SilenceState;
  /** Comment starts with `ACK!`: an acknowledgement, shown as its own state. */
  isAck: boolean;
  /** Configured Alertmanagers that hold this silence (replicas of a cluster share it by gossip). */
  alertmanagers: string[];
}

export interface SilencesState {
  environment: string | null;
  silences: SilenceView[];
  /** The configured user name (createdBy of acknowledgements and the silence editor's default author). */
  user: string;
  ackDurationMs: number;
  /** Alertmanagers grouped into clusters (from /api/v2/status); silences are written to one reachable member of each. */
  clusters: { name: string; members: string[] }[];
}

/** A Prometheus alert whose rule is true but whose `for` has not elapsed yet: an early warning. */
export interface PendingAlertView {
  /** Stable key: Prometheus source names + sorted labels. */
  id: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** When the rule became true (ms). */
  activeAt: number | null;
  /** The rule's `for` in seconds, when the rule was found. */
  forSeconds: number | null;
  /** activeAt + for: when it fires unless it recovers (ms). */
  firesAt: number | null;
  value: string | null;
  prometheus: string[];
}

export interface PendingAlertsState {
  environment: string | null;
  alerts: PendingAlertView[];
  /** Prometheus sources that did not answer on the last poll, with their error text. */
  errors: { source: string; message: string }[];
  updatedAt: number | null;
}

const labelName = z.string().min(1).max(200);
const matcherSchema = z
  .object({
    name: labelName,
    value: z.string().max(2000),
    isRegex: z.boolean(),
    isEqual: z.boolean(),
  })
  .strict();
const matchers = z.array(matcherSchema).min(1, 'a silence needs at least one matcher').max(100);
const fingerprints = z.array(z.string().min(1).max(64)).min(1).max(5000);
const silenceId = z.string().min(1).max(100);
const isoTime = z.string().min(1).max(40);

export interface SilenceResult {
  /** Silence ids created (one per Alertmanager cluster written to). */
  silenceIds: string[];
  /** Clusters that could not be written, with Alertmanager's own error text. */
  failures: { alertmanager: string; message: string }[];
}

export interface PreviewResult {
  count: number;
  /** The first matched alerts (up to 20), in inbox order. */
  sample: { fingerprint: string; alertname: string; instance: string; severity: string }[];
}

export const alertRequests = {
  'alerts.refresh': request<void>()(z.object({}).strict()),
  /** ACK silences (all labels, exact; settings.ackDurationMs; comment `ACK! …`; createdBy settings.user). */
  'alerts.acknowledge': request<SilenceResult>()(z.object({ fingerprints }).strict()),
  /** Expires the ACK silences covering these alerts. */
  'alerts.unacknowledge': request<{ expired: string[] }>()(z.object({ fingerprints }).strict()),
  /** How many current alerts a silence with these matchers would match. */
  'alerts.silences.preview': request<PreviewResult>()(z.object({ matchers }).strict()),
  'alerts.silences.create': request<SilenceResult>()(
    z
      .object({
        matchers,
        startsAt: isoTime.optional(),
        endsAt: isoTime,
        comment: z.string().trim().min(1, 'a comment is required').max(5000),
        createdBy: z.string().trim().min(1, 'an author is required').max(200),
      })
      .strict(),
  ),
  /** Moves a silence's end (Alertmanager replaces it by a new silence with a new id). */
  'alerts.silences.extend': request<SilenceResult>()(z.object({ id: silenceId, endsAt: isoTime }).strict()),
  'alerts.silences.expire': request<{ expired: string[] }>()(z.object({ ids: z.array(silenceId).min(1).max(1000) }).strict()),
};

export interface AlertEvents {
  'alerts.update': AlertsUpdate;
  'alerts.silences': SilencesState;
  'alerts.pending': PendingAlertsState;
  /**
   * The host read an ops-console:// silence link: the renderer opens the silence editor prefilled (nothing is
   * created), or for a refused link shows why. Checked with openSilenceEventSchema (readOpenSilenceEvent).
   */
  'ui.openSilence': OpenSilenceEvent;
}
