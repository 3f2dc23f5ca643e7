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
import { takePlace, takePlacesInSlots } from './slot-counter.ts';

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
    const groups = [...bySlot.values()];
    const outcomes: Outcome<boolean>[] = [];
    // First all couples of each slot together, every slot in one command.
    const taken = await takePlacesInSlots(groups.map((g) => ({ slotId: slotIds[g[0]!]!, n: g.length })));
    const short: number[] = [];
    groups.forEach((indexes, g) => {
      const answer = taken[g];
      if (answer === true) for (const i of indexes) outcomes[i] = succeeded(true);
      else if (answer instanceof Error) for (const i of indexes) outcomes[i] = failed(answer);
      else if (indexes.length === 1) outcomes[indexes[0]!] = succeeded(false);
      else short.push(...indexes);
    });
    // A slot with fewer places left than couples asking: each tries on its own, so the last
    // places still go to somebody.
    await Promise.all(
      short.map(async (i) => {
        try {
          outcomes[i] = succeeded(await takePlace(slotIds[i]!));
        } catch (err) {
          outcomes[i] = failed(err);
        }
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
