import { create } from 'zustand';
import type { SettingsState } from '../../../../preload/contract';
import { onTopic } from '../../store/event-router';
import { useCoreStore, type ThemeChoice } from '../../store/core-store';
import { getBridge } from '../../bridge';

interface SettingsUi {
  open: boolean;
  state: SettingsState | null;
  setOpen(open: boolean): void;
}

export const useSettingsStore = create<SettingsUi>((set) => ({
  open: false,
  state: null,
  setOpen: (open) => {
    set({ open });
    if (open) {
      void getBridge()
        .invoke('settings.get', {})
        .then((state) => set({ state }))
        .catch(() => undefined);
    }
  },
}));

function themeOf(state: SettingsState): ThemeChoice | null {
  const t = (state.config as { theme?: unknown } | null)?.theme;
  return t === 'light' || t === 'dark' || t === 'system' ? t : null;
}

onTopic('settings.state', (state) => {
  useSettingsStore.setState({ state });
  // A theme saved in Settings wins over the local choice; an unsaved default does not.
  const theme = themeOf(state);
  if (theme && state.savedKeys.includes('theme') && useCoreStore.getState().theme !== theme) useCoreStore.getState().setTheme(theme);
});
