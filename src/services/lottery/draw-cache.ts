// A drawn lottery's order and published list never change once the draw is made, and on a
// large day they are big (50,000 references): keep the last few in memory instead of
// reading them from the database for every status page, sweep and check.
import { Types } from 'mongoose';
import type { Preference } from '../../domain/lottery.ts';
import { LotteryApplicationModel } from '../../models/lottery-application.model.ts';
import { LotteryDrawModel } from '../../models/lottery-draw.model.ts';
import { cleanPreference } from './lottery-context.ts';
import { loadList } from './lottery-list.ts';

const KEEP = 4;

export interface DrawnOrder {
  order: string[];
  rankOf: Map<string, number>;
}

export interface PublishedList {
  /** Every application in the draw, sorted by reference (the order of the list plays no part). */
  applications: { reference: string; preference: Preference }[];
}

function lru<T>() {
  const entries = new Map<string, T>();
  return {
    get(key: string): T | undefined {
      const value = entries.get(key);
      if (value !== undefined) {
        entries.delete(key);
        entries.set(key, value);
      }
      return value;
    },
    set(key: string, value: T) {
      entries.delete(key);
      entries.set(key, value);
      while (entries.size > KEEP) entries.delete(entries.keys().next().value!);
    },
  };
}

export function createDrawCache() {
  const orders = lru<DrawnOrder>();
  const lists = lru<PublishedList>();

  function remember(drawId: Types.ObjectId | string, order: string[]): DrawnOrder {
    const entry = { order, rankOf: new Map(order.map((reference, i) => [reference, i + 1])) };
    orders.set(drawId.toString(), entry);
    return entry;
  }

  /** The draw order (only for a draw whose order is stored). */
  async function order(drawId: Types.ObjectId | string): Promise<DrawnOrder> {
    const cached = orders.get(drawId.toString());
    if (cached) return cached;
    const draw = await LotteryDrawModel.findById(drawId, { order: 1 }).select('+order').lean();
    return remember(drawId, draw?.order ?? []);
  }

  /** The list published at the draw: every application that was in it (withdrawals happen before). */
  async function list(drawId: Types.ObjectId | string): Promise<PublishedList> {
    const cached = lists.get(drawId.toString());
    if (cached) return cached;
    // The list frozen at the close; an older draw without one is read from the applications.
    const draw = await LotteryDrawModel.findById(drawId, { listCount: 1 }).lean();
    const rows =
      (await loadList(new Types.ObjectId(drawId.toString()), draw?.listCount)) ??
      (await LotteryApplicationModel.find(
        { draw: drawId, status: { $ne: 'withdrawn' } },
        { _id: 0, reference: 1, preference: 1 },
      ).lean());
    const applications = rows
      .map((row) => ({ reference: row.reference, preference: cleanPreference(row.preference) }))
      .sort((a, b) => (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0));
    const entry = { applications };
    lists.set(drawId.toString(), entry);
    return entry;
  }

  return { order, remember, list };
}

export type DrawCache = ReturnType<typeof createDrawCache>;
