// The database work of a booking, gathered across concurrent requests (group commit): under
// a rush one query checks the no-show records of many couples, one bulk update takes the
// places of every slot asked for, and one insert each stores their appointments and their
// holds. The rules are unchanged: places move only by conditional single-document updates,
// and one active booking per person is the unique index of the holds. Each couple gets its
// own answer, and a conflict in one booking never fails its neighbours in the batch.
// Appointments are inserted with the driver, not saved through Mongoose: building a Mongoose
// document for each of a hundred couples would cost more than their insert. They are built by
// newAppointmentDocument, which stores them exactly as the schema would and checks them against
// it (models/stored-on-create.ts).
import type { Types } from 'mongoose';
import { batchedInsert, batchedUpdate } from '../../lib/batched-db.ts';
import { coalesce, failed, type Outcome, succeeded } from '../../lib/coalesce.ts';
import { isDuplicate } from '../../lib/duplicate-key.ts';
import {
  type Appointment,
  AppointmentModel,
  type newAppointmentDocument,
} from '../../models/appointment.model.ts';
import { PersonHoldModel } from '../../models/person-hold.model.ts';
import { createFullSlots, type FullSlots } from './full-slots.ts';
import { takePlace, takePlacesInSlots } from './slot-counter.ts';

export interface NoShowRecord {
  noShowAt?: Date;
  partners: { idFingerprint: string }[];
}

type AppointmentInsert = ReturnType<typeof newAppointmentDocument>;

export function createBookingWrites(fullSlots: FullSlots = createFullSlots()) {
  const storeAppointment = batchedInsert(() => AppointmentModel.collection as never);
  const storeHold = batchedInsert(() => PersonHoldModel.collection as never);
  const noShows = coalescedNoShows();
  return {
    /** The appointment an idempotency key made, if any; keys asked together share one query. */
    byIdempotencyKey: coalescedByKey(),
    /** The no-show records of these people since `since`. */
    noShowsOf: (fingerprints: string[], since: Date) => noShows({ fingerprints, since }),
    /** Takes one place in the slot; false when it is full (or was found full a moment ago). */
    takePlace: coalescedTakePlace(fullSlots),
    /** The slots found full a moment ago (full-slots.ts). */
    fullSlots,
    /** Inserts a new appointment; fails with the driver's duplicate key error on a taken reference or key. */
    insertAppointment: (doc: AppointmentInsert) => storeAppointment(doc),
    /** Holds both people for the appointment; false (and only its own holds to undo) on a conflict. */
    holdPersons: (appointment: Types.ObjectId, fingerprints: string[], createdAt: Date) =>
      holdPersons(storeHold, appointment, fingerprints, createdAt),
    /** One conditional update of an appointment, gathered with others (marks set after booking). */
    markAppointment: batchedUpdate(() => AppointmentModel.collection as never),
  };
}

export type BookingWrites = ReturnType<typeof createBookingWrites>;

/** The no-show records of many couples, in one query. */
function coalescedNoShows() {
  return coalesce<{ fingerprints: string[]; since: Date }, NoShowRecord[]>(async (items) => {
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
}

/**
 * Appointments by idempotency key, many in one query: every posted form carries a key, and a
 * rush of forms (most of them answered "full") asks for them all at once.
 */
function coalescedByKey() {
  return coalesce<string, Appointment | null>(async (keys) => {
    const found = await AppointmentModel.collection
      .find({ idempotencyKey: { $in: [...new Set(keys)] } })
      .toArray();
    const byKey = new Map(found.map((d) => [d.idempotencyKey, d as unknown as Appointment]));
    return keys.map((k) => succeeded(byKey.get(k) ?? null));
  });
}

/**
 * The places of many couples: first all couples of each slot together, every slot in one
 * command; a slot with fewer places left than couples asking lets each try on its own, so the
 * last places still go to somebody.
 */
function coalescedTakePlace(fullSlots: FullSlots) {
  const take = coalesce<Types.ObjectId, boolean>(async (slotIds) => {
    const asOf = fullSlots.generation();
    const bySlot = new Map<string, number[]>();
    slotIds.forEach((id, i) => {
      const key = id.toHexString();
      bySlot.set(key, [...(bySlot.get(key) ?? []), i]);
    });
    const groups = [...bySlot.values()];
    const outcomes: Outcome<boolean>[] = [];
    const taken = await takePlacesInSlots(groups.map((g) => ({ slotId: slotIds[g[0]!]!, n: g.length })));
    const short: number[] = [];
    groups.forEach((indexes, g) => {
      const answer = taken[g];
      if (answer === true) for (const i of indexes) outcomes[i] = succeeded(true);
      else if (answer instanceof Error) for (const i of indexes) outcomes[i] = failed(answer);
      else if (indexes.length === 1) {
        outcomes[indexes[0]!] = succeeded(false);
        fullSlots.markFull(slotIds[indexes[0]!]!, asOf);
      } else short.push(...indexes);
    });
    await Promise.all(
      short.map(async (i) => {
        try {
          const took = await takePlace(slotIds[i]!);
          if (!took) fullSlots.markFull(slotIds[i]!, asOf);
          outcomes[i] = succeeded(took);
        } catch (err) {
          outcomes[i] = failed(err);
        }
      }),
    );
    return outcomes;
  });
  return (slotId: Types.ObjectId) => (fullSlots.isFull(slotId) ? Promise.resolve(false) : take(slotId));
}

/** true when both holds are taken; false when somebody already holds one (ours are then undone by the caller). */
async function holdPersons(
  storeHold: (doc: object) => Promise<void>,
  appointment: Types.ObjectId,
  fingerprints: string[],
  createdAt: Date,
) {
  const results = await Promise.allSettled(
    fingerprints.map((fp) => storeHold({ _id: fp, appointment, createdAt })),
  );
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  const other = refused.find((r) => !isDuplicate(r.reason));
  if (other) throw other.reason;
  return refused.length === 0;
}
