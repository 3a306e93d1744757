/** Shared builders for the incident tests (not imported by production code). */
import type { AlertView } from '../../preload/contract/alerts';
import type { Incident } from '../../preload/contract/incidents';

export const T0 = Date.UTC(2026, 10, 21, 8, 12, 0); // 2026-11-21 08:12:00 UTC

export function makeIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'INC-1',
    title: 'Federation delays',
    severity: 'critical',
    status: 'investigating',
    commander: 'alice',
    impact: 'Messages between servers arrive minutes late',
    services: ['synapse'],
    instances: ['node1:9100', 'node2:9100'],
    environment: 'prod',
    declaredAt: T0,
    linkedAlerts: [],
    escalationLevel: 0,
    nextUpdateDueAt: T0 + 30 * 60_000,
    milestones: {},
    links: [],
    updatedAt: T0,
    ...overrides,
  };
}

export function makeAlert(fingerprint: string, labels: Record<string, string>, annotations: Record<string, string> = {}, startsAt = new Date(T0 - 5 * 60_000).toISOString()): AlertView {
  return {
    fingerprint,
    labels,
    annotations,
    startsAt,
    updatedAt: startsAt,
    endsAt: new Date(T0 + 3_600_000).toISOString(),
    generatorURL: 'http://prometheus:9090/graph',
    state: 'active',
    silencedBy: [],
    inhibitedBy: [],
    receivers: ['default'],
    alertmanagers: ['am1'],
  };
}

/** A clock tests move by hand. */
export function manualClock(start = T0): { now: () => number; advance: (ms: number) => number; set: (ms: number) => void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => (t += ms),
    set: (ms: number) => {
      t = ms;
    },
  };
}

/** Deterministic ids: "incident-1", "entry-2", … */
export function sequentialIds(): (kind: string) => string {
  let n = 0;
  return (kind: string) => `${kind}-${++n}`;
}
