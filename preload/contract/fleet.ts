import { z } from 'zod';
import { request } from './define';

export type TileState = 'ok' | 'warning' | 'critical' | 'down';

export interface ServerTile {
  /** `${source}|${instance}` */
  id: string;
  instance: string;
  job: string;
  /** Name of the Prometheus-compatible source the tile came from. */
  source: string;
  up: boolean;
  state: TileState;
  labels: Record<string, string>;
  updatedAt: number;
  stale: boolean;
}

export interface FleetState {
  environment: string | null;
  tiles: ServerTile[];
  updatedAt: number | null;
}

export const fleetRequests = {
  'fleet.refresh': request<void>()(z.object({}).strict()),
};

export interface FleetEvents {
  'fleet.state': FleetState;
}
