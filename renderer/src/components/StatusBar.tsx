import { useState } from 'react';
import type { SourceHealth } from '../../../preload/contract';
import { useCoreStore } from '../store/core-store';
import { formatAge } from './format';
import { useNow } from './use-now';

const LABEL: Record<SourceHealth['state'], string> = {
  ok: 'ok',
  degraded: 'degraded',
  'auth-failed': 'auth failed',
  unreachable: 'unreachable',
  stale: 'stale',
  pending: 'connecting',
};

function HealthIndicator({ health, now }: { health: SourceHealth; now: number }) {
  const [open, setOpen] = useState(false);
  const since = health.lastSuccessAt ? `last success ${formatAge(now - health.lastSuccessAt)} ago` : 'no success yet';
  const detail = `${health.kind} ${health.name} (${health.url}): ${LABEL[health.state]}${health.detail ? ` (${health.detail})` : ''}; ${since}${health.lastError ? `; last error: ${health.lastError}` : ''}`;
  return (
    <span className="health">
      <button
        type="button"
        className={`health-chip state-${health.state}`}
        aria-label={`${health.name} ${LABEL[health.state]}`}
        aria-expanded={open}
        title={detail}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="dot" aria-hidden="true" />
        {health.name}
        <span className="health-state">
          {LABEL[health.state]}
          {health.detail ? ` · ${health.detail}` : ''}
        </span>
      </button>
      {open && (
        <span role="status" className="health-popover">
          <strong>
            {health.kind} · {health.name}
          </strong>
          <span>{health.url}</span>
          <span>
            {LABEL[health.state]}
            {health.detail ? ` (${health.detail})` : ''} · {since}
            {health.latencyMs !== null ? ` · ${health.latencyMs} ms` : ''}
          </span>
          {health.lastError && <code className="error-text">{health.lastError}</code>}
        </span>
      )}
    </span>
  );
}

export function StatusBar() {
  const health = useCoreStore((s) => s.health);
  const connected = useCoreStore((s) => s.connected);
  const now = useNow(1000);
  return (
    <footer className="statusbar" aria-label="Source health">
      {!connected && <span className="health-chip state-unreachable">console core disconnected: reconnecting…</span>}
      {health.length === 0 && connected && <span className="muted">no sources configured</span>}
      {health.map((h) => (
        <HealthIndicator key={h.id} health={h} now={now} />
      ))}
    </footer>
  );
}
