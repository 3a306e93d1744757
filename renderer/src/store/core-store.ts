import { create } from 'zustand';
import type { EnvironmentsState, SourceHealth } from '../../../preload/contract';
import { onTopic } from './event-router';

export type ThemeChoice = 'system' | 'light' | 'dark';

interface CoreState {
  connected: boolean;
  host: 'electron' | 'browser' | null;
  environments: EnvironmentsState;
  health: SourceHealth[];
  theme: ThemeChoice;
  lastError: string | null;
  setTheme(theme: ThemeChoice): void;
  setConnected(connected: boolean): void;
  setHost(host: 'electron' | 'browser'): void;
  setLastError(message: string | null): void;
}

const THEME_KEY = 'ops-console.theme';

function initialTheme(): ThemeChoice {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(THEME_KEY);
  return saved === 'light' || saved === 'dark' || saved === 'system' ? saved : 'system';
}

export const useCoreStore = create<CoreState>((set) => ({
  connected: false,
  host: null,
  environments: { environments: [], active: null, configError: null, configPath: null, readOnly: false },
  health: [],
  theme: initialTheme(),
  lastError: null,
  setTheme: (theme) => {
    localStorage.setItem(THEME_KEY, theme);
    set({ theme });
  },
  setConnected: (connected) => set({ connected }),
  setHost: (host) => set({ host }),
  setLastError: (lastError) => set({ lastError }),
}));

onTopic('core.environments', (environments) => useCoreStore.setState({ environments }));
onTopic('core.health', (health) => useCoreStore.setState({ health }));
