export function IncidentsPane() {
  return (
    <section aria-label="Incidents" className="pane">
      <h1 className="pane-title">Incidents</h1>
    </section>
  );
}
