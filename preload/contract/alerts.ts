import { z } from 'zod';
import { request } from './define';

export type AlertmanagerState = 'active' | 'suppressed' | 'unprocessed';

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
}

export type AlertsUpdate =
  | { kind: 'snapshot'; seq: number; environment: string | null; alerts: AlertView[] }
  | { kind: 'diff'; seq: number; environment: string | null; upserted: AlertView[]; removed: string[] };

export const alertRequests = {
  'alerts.refresh': request<void>()(z.object({}).strict()),
};

export interface AlertEvents {
  'alerts.update': AlertsUpdate;
}
