import { getBridge, onBridgeConnection } from '../bridge';
import { routeEvent, routeSnapshot } from './event-router';
import { useCoreStore } from './core-store';
import { useAlertsStore } from './alerts-store';

/** Wires the bridge to the stores: events flow in, and every (re)connection starts from a hello snapshot. */
export function connectStores(): void {
  const bridge = getBridge();
  bridge.subscribe(routeEvent);
  const hello = async () => {
    try {
      const res = await bridge.invoke('core.hello', {});
      useCoreStore.getState().setHost(res.host);
      routeSnapshot(res.snapshot);
    } catch (err) {
      useCoreStore.getState().setLastError((err as Error).message);
    }
  };
  onBridgeConnection((connected) => {
    useCoreStore.getState().setConnected(connected);
    if (connected) void hello();
  });
  useAlertsStore.subscribe((s) => {
    if (s.needsResync) {
      useAlertsStore.setState({ needsResync: false });
      void hello();
    }
  });
  document.addEventListener('visibilitychange', () => {
    const visible = document.visibilityState === 'visible';
    // While hidden the host sends only notifications; coming back, a hello brings every store up to date.
    void bridge
      .invoke('core.setVisibility', { visible })
      .then(() => (visible ? hello() : undefined))
      .catch(() => undefined);
  });
}
