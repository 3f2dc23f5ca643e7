// The list of a draw, frozen when applications close: every application still in it, with
// its reference and preference, in reference order. Freezing reads every application once
// (on a big day, tens of thousands) as soon as the window shuts, so that the draw itself,
// at the draw time, reads 50 small documents instead. A list is complete only once the
// draw records its `listCount`; a partial one (a worker stopped) is rebuilt.
import type { Types } from 'mongoose';
import { LotteryApplicationModel } from '../../models/lottery-application.model.ts';
import { LotteryDrawModel } from '../../models/lottery-draw.model.ts';
import { type ListEntry, LotteryListChunkModel } from '../../models/lottery-list.model.ts';
import { cleanPreference } from './lottery-context.ts';

const CHUNK = 1000;

/** Every application in the draw, in reference order, read from the applications themselves. */
export async function readApplications(drawId: Types.ObjectId): Promise<ListEntry[]> {
  const rows = await LotteryApplicationModel.find(
    { draw: drawId, status: 'applied' },
    { reference: 1, preference: 1 },
  ).lean();
  return rows
    .map((row) => ({ id: row._id, reference: row.reference, preference: cleanPreference(row.preference) }))
    .sort((a, b) => (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0));
}

/**
 * Freezes the list: marks the draw, then reads the applications and stores them. The mark
 * comes first: an application saved after it sees the mark and withdraws itself (see apply),
 * and one saved before it is read here, so none can slip between the two. Only the worker
 * that sets the mark does the rest; for any other this answers null.
 */
export async function freezeList(drawId: Types.ObjectId, now: Date): Promise<ListEntry[] | null> {
  const marked = await LotteryDrawModel.updateOne(
    { _id: drawId, listFrozenAt: null },
    { $set: { listFrozenAt: now } },
  );
  if (marked.modifiedCount !== 1) return null;
  const entries = await readApplications(drawId);
  await LotteryListChunkModel.deleteMany({ draw: drawId });
  const chunks = [];
  for (let n = 0; n * CHUNK < entries.length; n++)
    chunks.push({ draw: drawId, n, entries: entries.slice(n * CHUNK, (n + 1) * CHUNK) });
  if (chunks.length) await LotteryListChunkModel.insertMany(chunks, { lean: true });
  await LotteryDrawModel.updateOne({ _id: drawId }, { $set: { listCount: entries.length } });
  return entries;
}

/** The frozen list, or null when there is none or it is incomplete. */
export async function loadList(
  drawId: Types.ObjectId,
  listCount: number | undefined,
): Promise<ListEntry[] | null> {
  if (listCount === undefined) return null;
  const chunks = await LotteryListChunkModel.find({ draw: drawId }).sort({ n: 1 }).lean();
  const entries = chunks.flatMap((chunk) =>
    chunk.entries.map((e) => ({
      id: e.id,
      reference: e.reference,
      preference: cleanPreference(e.preference),
    })),
  );
  return entries.length === listCount ? entries : null;
}

/** Forgets a frozen list (the window was reopened by staff): it is frozen again at the new close. */
export async function unfreezeList(drawId: Types.ObjectId): Promise<void> {
  await LotteryDrawModel.updateOne(
    { _id: drawId, state: 'planned' },
    { $unset: { listFrozenAt: 1, listCount: 1 } },
  );
  await LotteryListChunkModel.deleteMany({ draw: drawId });
}
