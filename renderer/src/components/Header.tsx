import { getBridge } from '../bridge';
import { useCoreStore, type ThemeChoice } from '../store/core-store';
import { PANES, useUiStore } from '../store/ui-store';
import { useSettingsStore } from '../panes/settings/settings-store';

export function Header() {
  const pane = useUiStore((s) => s.pane);
  const setPane = useUiStore((s) => s.setPane);
  const envs = useCoreStore((s) => s.environments);
  const theme = useCoreStore((s) => s.theme);
  const setTheme = useCoreStore((s) => s.setTheme);
  return (
    <header className="topbar">
      <span className="brand">Ops Console</span>
      <nav aria-label="Sections" className="nav">
        {PANES.map((p) => (
          <button key={p} type="button" aria-current={pane === p ? 'page' : undefined} onClick={() => setPane(p)}>
            {p}
          </button>
        ))}
      </nav>
      <span className="spacer" />
      {envs.environments.length > 1 && (
        <label className="env-switch">
          Environment
          <select
            aria-label="Environment"
            value={envs.active ?? ''}
            onChange={(e) => void getBridge().invoke('core.selectEnvironment', { name: e.target.value })}
          >
            {envs.environments.map((e) => (
              <option key={e.name} value={e.name}>
                {e.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {envs.environments.length === 1 && <span className="env-name">{envs.active}</span>}
      <button type="button" className="settings-button" onClick={() => useSettingsStore.getState().setOpen(true)}>
        Settings
      </button>
      <label className="theme-switch">
        Theme
        <select aria-label="Theme" value={theme} onChange={(e) => setTheme(e.target.value as ThemeChoice)}>
          <option value="system">System</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </label>
    </header>
  );
}
