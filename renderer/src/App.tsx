import { Activity, useEffect } from 'react';
import { Header } from './components/Header';
import { StatusBar } from './components/StatusBar';
import { useCoreStore } from './store/core-store';
import { useUiStore } from './store/ui-store';
import { ServersPane } from './panes/servers/ServersPane';
import { AlertsPane } from './panes/alerts/AlertsPane';
import { LogsPane } from './panes/logs/LogsPane';
import { IncidentsPane } from './panes/incidents/IncidentsPane';
import { SettingsDialog } from './panes/settings/SettingsDialog';
import './store/notify-store';

function useThemeAttribute(): void {
  const theme = useCoreStore((s) => s.theme);
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => {
      document.documentElement.dataset.theme = theme === 'system' ? (media.matches ? 'dark' : 'light') : theme;
    };
    apply();
    media.addEventListener('change', apply);
    return () => media.removeEventListener('change', apply);
  }, [theme]);
}

export function App() {
  useThemeAttribute();
  const pane = useUiStore((s) => s.pane);
  const configError = useCoreStore((s) => s.environments.configError);
  return (
    <div className="app">
      <Header />
      {configError && (
        <div role="alert" className="banner banner-error">
          Configuration problem: {configError}
        </div>
      )}
      <main className="content">
        {/* Sections stay mounted while hidden, so a filter, a half-written silence or an incident
            draft survives a trip to another section. */}
        <Activity mode={pane === 'Servers' ? 'visible' : 'hidden'}>
          <ServersPane />
        </Activity>
        <Activity mode={pane === 'Alerts' ? 'visible' : 'hidden'}>
          <AlertsPane />
        </Activity>
        <Activity mode={pane === 'Logs' ? 'visible' : 'hidden'}>
          <LogsPane />
        </Activity>
        <Activity mode={pane === 'Incidents' ? 'visible' : 'hidden'}>
          <IncidentsPane />
        </Activity>
      </main>
      <StatusBar />
      <SettingsDialog />
    </div>
  );
}
