import type { ConsoleEvent, EventMap, EventName } from '../../../preload/contract';

type Handler<E extends EventName> = (payload: EventMap[E]) => void;
const handlers = new Map<EventName, Handler<EventName>[]>();

/** Each store registers for the topics it owns; the router feeds them events and hello snapshots. */
export function onTopic<E extends EventName>(name: E, handler: Handler<E>): void {
  const list = handlers.get(name) ?? [];
  list.push(handler as unknown as Handler<EventName>);
  handlers.set(name, list);
}

export function routeEvent(event: ConsoleEvent): void {
  for (const h of handlers.get(event.name) ?? []) h(event.payload);
}

export function routeSnapshot(snapshot: Partial<Record<string, unknown>>): void {
  for (const [name, payload] of Object.entries(snapshot)) {
    if (payload === undefined) continue;
    for (const h of handlers.get(name as EventName) ?? []) h(payload as never);
  }
}
