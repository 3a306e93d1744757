import { useFleetStore } from '../../store/fleet-store';

export function ServersPane() {
  const tiles = useFleetStore((s) => s.tiles);
  return (
    <section aria-label="Servers" className="pane">
      <h1 className="pane-title">Servers</h1>
      {tiles.length === 0 && <p className="muted">No targets yet.</p>}
      <div className="tile-grid">
        {tiles.map((t) => (
          <button key={t.id} type="button" className={`tile tile-${t.state}${t.stale ? ' stale' : ''}`} aria-label={`${t.instance} ${t.state}`}>
            <span className="tile-instance">{t.instance}</span>
            <span className="tile-job">{t.job}</span>
            <span className="tile-state">{t.up ? 'up' : 'down'}</span>
          </button>
        ))}
      </div>
    </section>
  );
}
