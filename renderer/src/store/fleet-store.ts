import { create } from 'zustand';
import type { FleetState } from '../../../preload/contract';
import { onTopic } from './event-router';

export const useFleetStore = create<FleetState>(() => ({ environment: null, tiles: [], updatedAt: null }));

onTopic('fleet.state', (state) => useFleetStore.setState(state, true));
