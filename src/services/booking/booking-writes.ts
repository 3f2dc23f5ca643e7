// The database work of a booking, gathered across concurrent requests (group commit): under
// a rush one query checks the no-show records of many couples, one update per slot takes the
// places of all who asked for it, and one insert each stores their appointments and their
// holds. The rules are unchanged: places move only by conditional single-document updates,
// and one active booking per person is the unique index of the holds. Each couple gets its
// own answer, and a conflict in one booking never fails its neighbours in the batch.
import type { Types } from 'mongoose';
import { AppointmentModel, type newAppointmentDocument } from '../../models/appointment.model.ts';
import { PersonHoldModel } from '../../models/person-hold.model.ts';
import { coalesce, failed, type Outcome, succeeded } from '../coalesce.ts';
import { takePlace, takePlaces } from './slot-counter.ts';

export interface NoShowRecord {
  noShowAt?: Date;
  partners: { idFingerprint: string }[];
}

type AppointmentInsert = ReturnType<typeof newAppointmentDocument>;

interface HoldRequest {
  appointment: Types.ObjectId;
  fingerprints: string[];
  createdAt: Date;
}

interface WriteErrorLike {
  index: number;
  code?: number;
  errmsg?: string;
  keyPattern?: Record<string, unknown>;
  err?: { keyPattern?: Record<string, unknown> };
}

/** The per-document errors of an unordered bulk insert, or null when the whole command failed. */
function writeErrorsOf(err: unknown): WriteErrorLike[] | null {
  const errors = (err as { writeErrors?: WriteErrorLike | WriteErrorLike[] })?.writeErrors;
  if (!errors) return null;
  return Array.isArray(errors) ? errors : [errors];
}

/** One document's failure as an error of its own, shaped like the driver's duplicate key error. */
function asError(w: WriteErrorLike): Error {
  return Object.assign(new Error(w.errmsg ?? 'write error'), {
    code: w.code,
    keyPattern: w.keyPattern ?? w.err?.keyPattern,
  });
}

export function createBookingWrites() {
  const noShowsOf = coalesce<{ fingerprints: string[]; since: Date }, NoShowRecord[]>(async (items) => {
    const fingerprints = [...new Set(items.flatMap((i) => i.fingerprints))];
    const since = new Date(Math.min(...items.map((i) => i.since.getTime())));
    // Asked on every booking, answered empty almost always: a plain driver query.
    const found = (await AppointmentModel.collection
      .find(
        { 'partners.idFingerprint': { $in: fingerprints }, status: 'no_show', noShowAt: { $gte: since } },
        { projection: { noShowAt: 1, 'partners.idFingerprint': 1 } },
      )
      .toArray()) as unknown as NoShowRecord[];
    return items.map((item) =>
      succeeded(
        found.filter(
          (n) =>
            n.noShowAt &&
            n.noShowAt >= item.since &&
            n.partners.some((p) => item.fingerprints.includes(p.idFingerprint)),
        ),
      ),
    );
  });

  const placeIn = coalesce<Types.ObjectId, boolean>(async (slotIds) => {
    const bySlot = new Map<string, number[]>();
    slotIds.forEach((id, i) => {
      const key = id.toHexString();
      bySlot.set(key, [...(bySlot.get(key) ?? []), i]);
    });
    const outcomes: Outcome<boolean>[] = [];
    const one = async (i: number, slotId: Types.ObjectId) => {
      try {
        outcomes[i] = succeeded(await takePlace(slotId));
      } catch (err) {
        outcomes[i] = failed(err);
      }
    };
    await Promise.all(
      [...bySlot.values()].map(async (indexes) => {
        const slotId = slotIds[indexes[0]!]!;
        try {
          if (indexes.length > 1 && (await takePlaces(slotId, indexes.length))) {
            for (const i of indexes) outcomes[i] = succeeded(true);
            return;
          }
        } catch (err) {
          for (const i of indexes) outcomes[i] = failed(err);
          return;
        }
        // Fewer places left than couples asking (or only one asking): each tries on its own,
        // so the last places still go to somebody.
        await Promise.all(indexes.map((i) => one(i, slotId)));
      }),
    );
    return outcomes;
  });

  const storeAppointment = coalesce<AppointmentInsert, void>(async (docs) => {
    const outcomes: Outcome<void>[] = docs.map(() => succeeded(undefined));
    try {
      await AppointmentModel.collection.insertMany(docs as never[], {
        ordered: false,
        ignoreUndefined: true,
      });
    } catch (err) {
      const errors = writeErrorsOf(err);
      if (!errors) throw err;
      for (const w of errors) outcomes[w.index] = failed(asError(w));
    }
    return outcomes;
  });

  /** true when the holds are taken; false when somebody already holds one of them. */
  const holdIn = coalesce<HoldRequest, boolean>(async (requests) => {
    const owner: number[] = [];
    const docs = requests.flatMap((r, i) =>
      r.fingerprints.map((fp) => {
        owner.push(i);
        return { _id: fp, appointment: r.appointment, createdAt: r.createdAt };
      }),
    );
    const outcomes: Outcome<boolean>[] = requests.map(() => succeeded(true));
    try {
      await PersonHoldModel.collection.insertMany(docs as never[], { ordered: false });
    } catch (err) {
      const errors = writeErrorsOf(err);
      if (!errors) throw err;
      for (const w of errors) {
        const i = owner[w.index]!;
        if (w.code === 11000) {
          if (outcomes[i]!.ok) outcomes[i] = succeeded(false);
        } else outcomes[i] = failed(asError(w));
      }
    }
    return outcomes;
  });

  return {
    /** The no-show records of these people since `since`. */
    noShowsOf: (fingerprints: string[], since: Date) => noShowsOf({ fingerprints, since }),
    /** Takes one place in the slot; false when it is full. */
    takePlace: placeIn,
    /** Inserts a new appointment; fails with the driver's duplicate key error on a taken reference or key. */
    insertAppointment: storeAppointment,
    /** Holds both people for the appointment in one go; false (and nothing to undo but its own) on a conflict. */
    holdPersons: (appointment: Types.ObjectId, fingerprints: string[], createdAt: Date) =>
      holdIn({ appointment, fingerprints, createdAt }),
  };
}

export type BookingWrites = ReturnType<typeof createBookingWrites>;
