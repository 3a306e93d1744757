/**
 * Frozen values shared by many objects instead of one copy each: 50,000 alerts of one Alertmanager need
 * one `[name]` list, not 50,000. What the core keeps across polls is mostly such repeats (receiver lists,
 * the Alertmanagers that hold an alert, empty lists).
 */

/** The one empty list every object with nothing in it shares (frozen: nobody may add to it). */
export const EMPTY_LIST = Object.freeze([]) as unknown as never[];

/** One frozen value per key, made on first use; bounded (cleared past `limit` keys) so odd input cannot grow it. */
export class SharedValues<T extends object> {
  private readonly byKey = new Map<string, T>();

  constructor(private readonly limit = 1000) {}

  get(key: string, make: () => T): T {
    let value = this.byKey.get(key);
    if (value === undefined) {
      if (this.byKey.size >= this.limit) this.byKey.clear();
      value = Object.freeze(make());
      this.byKey.set(key, value);
    }
    return value;
  }
}

/** The key of a receiver list (`name` of each, in order). */
export function receiversKey(receivers: readonly { name: string }[]): string {
  return receivers.length === 1 ? receivers[0]!.name : receivers.map((r) => r.name).join('\u0000');
}
