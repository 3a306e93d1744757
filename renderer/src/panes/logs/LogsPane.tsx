export function LogsPane() {
  return (
    <section aria-label="Logs" className="pane">
      <h1 className="pane-title">Logs</h1>
    </section>
  );
}
