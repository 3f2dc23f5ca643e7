// "One application per person and draw": a record per partner (`<draw id>:<ID fingerprint>`),
// written before the application, as a booking takes its person holds before its appointment,
// so an application never stands without them. A process killed in between leaves records with
// no application behind them: they belong to an application still being made until they are
// older than any application can take (it gives up when writing comes later than
// HOLD_WRITE_WITHIN_MS after its records), and only then are they cleared.
import type { Types } from 'mongoose';
import { isDuplicate } from '../../lib/duplicate-key.ts';
import type { Partner } from '../../models/appointment.model.ts';
import { LotteryApplicationModel } from '../../models/lottery-application.model.ts';
import { LotteryPersonModel } from '../../models/lottery-person.model.ts';
import { orphaned, settled } from '../booking/person-holds.ts';
import { AppError } from '../errors.ts';

type StorePerson = (doc: { _id: string; application: Types.ObjectId; createdAt: Date }) => Promise<unknown>;

type PersonState = 'free' | 'applied' | 'in_progress' | 'stale';

/** What stands behind a person's record for a draw; `now` is the real time (records are stamped with it). */
async function inspectPerson(
  id: string,
  now = Date.now(),
): Promise<{ state: PersonState; application?: Types.ObjectId }> {
  const person = await LotteryPersonModel.findById(id).lean();
  if (!person) return { state: 'free' };
  if (await LotteryApplicationModel.exists({ _id: person.application }))
    return { state: 'applied', application: person.application };
  return {
    state: orphaned(person.createdAt, now) ? 'stale' : 'in_progress',
    application: person.application,
  };
}

/** Like inspectPerson, giving an application being made a moment to be written. */
const settledPerson = (id: string) => settled(() => inspectPerson(id), 2_000);

/** Takes a partner's record; a record left by an interrupted application is cleared, once. */
async function takePerson(store: StorePerson, doc: Parameters<StorePerson>[0], index: number): Promise<void> {
  const refusal = (key: 'lottery.already_applied' | 'booking.in_progress') =>
    new AppError(
      key === 'booking.in_progress' ? 'conflict' : 'already_booked',
      key,
      {},
      {
        [`partners.${index}.idNumber`]: { key },
      },
    );
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await store(doc);
      return;
    } catch (err) {
      if (!isDuplicate(err)) throw err;
      const seen = await settledPerson(doc._id);
      if (seen.state === 'applied') throw refusal('lottery.already_applied');
      if (seen.state === 'in_progress') throw refusal('booking.in_progress');
      if (seen.state === 'stale')
        await LotteryPersonModel.deleteOne({ _id: doc._id, application: seen.application });
    }
  }
  // Cleared, and taken again at once by another application.
  throw refusal('booking.in_progress');
}

/** Both partners' records for the application, or none: undone if either is refused. */
export async function holdPeople(
  store: StorePerson,
  drawId: Types.ObjectId,
  applicationId: Types.ObjectId,
  partners: Partner[],
): Promise<void> {
  const createdAt = new Date();
  const docs = partners.map((p) => ({
    _id: `${drawId.toString()}:${p.idFingerprint}`,
    application: applicationId,
    createdAt,
  }));
  const results = await Promise.allSettled(docs.map((doc, i) => takePerson(store, doc, i)));
  const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (!refused) return;
  const taken = docs.filter((_, i) => results[i]!.status === 'fulfilled').map((d) => d._id);
  if (taken.length) await LotteryPersonModel.deleteMany({ _id: { $in: taken }, application: applicationId });
  throw refused.reason;
}
