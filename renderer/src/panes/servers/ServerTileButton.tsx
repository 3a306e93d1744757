import { memo } from 'react';
import type { FleetMetric, FleetThresholds, ServerTile } from '../../../../preload/contract';
import type { StoredSparkline } from '../../store/fleet-store';
import { formatAge } from '../../components/format';
import { Sparkline } from './Sparkline';
import { formatValue } from './fleet-view';

const LABELS: Record<FleetMetric, string> = { cpu: 'CPU', memory: 'Mem', disk: 'Disk', netRx: 'Rx', netTx: 'Tx', load1: 'Load' };

function level(metric: FleetMetric, v: number | null, t: FleetThresholds): string {
  if (v === null || !(metric === 'cpu' || metric === 'memory' || metric === 'disk')) return '';
  if (v >= t[metric].critical) return 'lvl-critical';
  if (v >= t[metric].warning) return 'lvl-warning';
  return '';
}

export function tileAccessibleName(t: ServerTile, now: number): string {
  const parts = [`${t.instance} ${t.state}`];
  if (t.reasons.length) parts.push(t.reasons.map((r) => `${LABELS[r]} ${formatValue(r, t.values[r])}`).join(', '));
  if (t.alertsFiring) parts.push(`${t.alertsFiring} alert${t.alertsFiring === 1 ? '' : 's'} firing`);
  if (t.stale) parts.push(`stale, last value ${formatAge(now - t.updatedAt)} ago`);
  return parts.join(', ');
}

export const ServerTileButton = memo(function ServerTileButton({ tile: t, sparkline, thresholds, now, showSource, onOpen, flatIndex }: { tile: ServerTile; sparkline: StoredSparkline | undefined; thresholds: FleetThresholds; now: number; showSource: boolean; onOpen: (id: string) => void; flatIndex?: number }) {
  return (
    <button type="button" className={`tile srv-tile tile-${t.state}${t.stale ? ' stale' : ''}`} aria-label={tileAccessibleName(t, now)} data-state={t.state} data-instance={t.instance} data-flat={flatIndex} onClick={() => onOpen(t.id)}>
      <span className="srv-head">
        <span className="tile-instance" title={t.instance}>{t.instance}</span>
        <span className={`srv-badge badge-${t.state}`}>{t.state === 'down' ? 'DOWN' : t.state === 'ok' ? 'OK' : t.state.toUpperCase()}</span>
      </span>
      <span className="srv-sub">
        <span>{t.job}</span>
        {showSource && <span className="srv-source">· {t.source}</span>}
        {t.alertsFiring > 0 && <span className="srv-alerts">{t.alertsFiring} firing</span>}
      </span>
      <span className="srv-metrics">
        {(['cpu', 'memory', 'disk'] as const).map((m) => (
          <span key={m} className={`srv-metric ${level(m, t.values[m], thresholds)}`}>
            <span className="srv-mlabel">{LABELS[m]}</span>
            <span className="srv-mval">{formatValue(m, t.values[m])}</span>
          </span>
        ))}
        <span className="srv-metric">
          <span className="srv-mlabel">Load</span>
          <span className="srv-mval">{formatValue('load1', t.values.load1)}</span>
        </span>
        <span className="srv-metric srv-net">
          <span className="srv-mlabel">Net ↓↑</span>
          <span className="srv-mval">
            {formatValue('netRx', t.values.netRx)} / {formatValue('netTx', t.values.netTx)}
          </span>
        </span>
      </span>
      <span className="srv-spark">{sparkline ? <Sparkline data={sparkline} /> : <span className="muted srv-nospark">no history yet</span>}</span>
      {t.stale && <span className="srv-stale">stale · {formatAge(now - t.updatedAt)} old</span>}
    </button>
  );
});
