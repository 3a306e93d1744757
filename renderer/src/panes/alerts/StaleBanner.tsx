import type { SourceHealth } from '../../../../preload/contract';
import { useCoreStore } from '../../store/core-store';
import { formatAge, formatTime } from '../../components/format';

const failing = (h: SourceHealth) => h.state === 'stale' || (h.consecutiveFailures > 0 && h.state !== 'ok');

/** Says plainly when the inbox is not live: every Alertmanager failing, or some replicas down. */
export function AlertsStaleBanner({ now }: { now: number }) {
  const health = useCoreStore((s) => s.health);
  const ams = health.filter((h) => h.kind === 'alertmanager');
  const down = ams.filter(failing);
  if (ams.length === 0 || down.length === 0) return null;
  if (down.length < ams.length) {
    return (
      <div role="status" className="banner banner-warn alerts-stale">
        {down.map((h) => h.name).join(', ')} not answering; showing the alerts of {ams.length - down.length} other Alertmanager
        {ams.length - down.length === 1 ? '' : 's'}.
      </div>
    );
  }
  const last = Math.max(0, ...ams.map((h) => h.lastSuccessAt ?? 0));
  return (
    <div role="alert" className="banner banner-error alerts-stale">
      Alerts are stale:{' '}
      {last > 0 ? `last updated ${formatTime(last)} (${formatAge(now - last)} ago)` : 'no Alertmanager has answered yet'}. {down[0]!.name}:{' '}
      <code className="error-text">{down[0]!.lastError ?? down[0]!.state}</code>
    </div>
  );
}
