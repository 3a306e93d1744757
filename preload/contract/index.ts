/**
 * The one contract between renderer and core: every request the renderer may make and every event
 * it is told. Both hosts (Electron IPC, browser-mode WebSocket) and the renderer import this file.
 */
import type { z } from 'zod';
import type { RequestDef } from './define';
import { coreRequests, type CoreEvents } from './core';
import { fleetRequests, type FleetEvents } from './fleet';
import { alertRequests, type AlertEvents } from './alerts';
import { notifyRequests, type NotifyEvents } from './notify';
import { settingsRequests, type SettingsEvents } from './settings';
import { logsRequests, type LogsEvents } from './logs';
import { incidentRequests, type IncidentEvents } from './incidents';

export * from './define';
export * from './core';
export * from './fleet';
export * from './alerts';
export * from './notify';
export * from './settings';
export * from './logs';
export * from './incidents';
export * from './links';

export const requests = {
  ...coreRequests,
  ...fleetRequests,
  ...alertRequests,
  ...notifyRequests,
  ...settingsRequests,
  ...logsRequests,
  ...incidentRequests,
} as const;

export type Requests = typeof requests;
export type RequestName = keyof Requests;
export type RequestArgs<N extends RequestName> = z.input<Requests[N]['args']>;
export type RequestResult<N extends RequestName> =
  Requests[N] extends RequestDef<z.ZodType, infer R> ? R : never;

export interface EventMap extends CoreEvents, FleetEvents, AlertEvents, NotifyEvents, SettingsEvents, LogsEvents, IncidentEvents {}
export type EventName = keyof EventMap;
export type ConsoleEvent = { [K in EventName]: { name: K; payload: EventMap[K] } }[EventName];

/** What the renderer holds: the same shape over Electron IPC and over the browser-mode WebSocket. */
export interface ConsoleBridge {
  invoke<N extends RequestName>(name: N, args: RequestArgs<N>): Promise<RequestResult<N>>;
  subscribe(listener: (event: ConsoleEvent) => void): () => void;
}

export * from './channels';

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(requests, name);
}
