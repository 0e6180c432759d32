import type { Adapter } from "@ferry/core";
import { type LocationSettings, openLocation } from "@ferry/sdk";

/** An idle location is closed after this long (its sockets, clients). */
const IDLE_CLOSE_MS = 5 * 60_000;

interface Slot {
  adapter: Promise<Adapter>;
  users: number;
  idle?: NodeJS.Timeout;
}

/**
 * The worker's open locations. A run's batches all name the same two locations, so opening
 * them once (one S3 client, one connection pool) instead of per batch is what keeps small
 * batches cheap. Locations are opened with the worker's own settings — its flags, config and
 * environment — which is where its credentials come from.
 */
export class LocationCache {
  private readonly slots = new Map<string, Slot>();

  constructor(private readonly settings: LocationSettings) {}

  async acquire(location: string): Promise<Adapter> {
    let slot = this.slots.get(location);
    if (!slot) {
      slot = { adapter: openLocation(location, this.settings), users: 0 };
      this.slots.set(location, slot);
      // a failed open is not cached: the next batch tries again (config may have been fixed)
      slot.adapter.catch(() => {
        if (this.slots.get(location) === slot) this.slots.delete(location);
      });
    }
    clearTimeout(slot.idle);
    slot.idle = undefined;
    slot.users++;
    try {
      return await slot.adapter;
    } catch (e) {
      slot.users--;
      throw e;
    }
  }

  release(location: string): void {
    const slot = this.slots.get(location);
    if (!slot || --slot.users > 0) return;
    slot.idle = setTimeout(() => {
      if (slot.users > 0 || this.slots.get(location) !== slot) return;
      this.slots.delete(location);
      void slot.adapter.then((a) => a.close?.()).catch(() => {});
    }, IDLE_CLOSE_MS);
    slot.idle.unref();
  }

  async closeAll(): Promise<void> {
    const slots = [...this.slots.values()];
    this.slots.clear();
    await Promise.allSettled(
      slots.map(async (slot) => {
        clearTimeout(slot.idle);
        await (await slot.adapter).close?.();
      }),
    );
  }
}
