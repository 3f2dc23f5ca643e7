// What anyone may see of a lottery day: before the draw its commitment, after it everything
// needed to recompute it (seed, slots, every reference and preference, the winners), and a
// check of a seed (and a reference's place) against the published draw.
import { type Assignment, lotteryPhase, verifyDraw } from '../../domain/lottery.ts';
import { LotteryDrawModel } from '../../models/lottery-draw.model.ts';
import { AppError, invalid } from '../errors.ts';
import { type DrawRecord, loadPlan, lotteryOf } from './lottery-context.ts';
import type { DrawDeps } from './lottery-offers.ts';

/** What is public about a lottery day: before the draw the commitment, after it everything needed to recompute it. */
export async function published(deps: DrawDeps, officeIdOrSlug: string, date: string) {
  const { clock, schedule, cache } = deps;
  const office = await schedule.getOffice(officeIdOrSlug);
  const settings = lotteryOf(await loadPlan(office, date));
  if (!settings) throw new AppError('not_found', 'lottery.not_lottery_day');
  const phase = lotteryPhase(settings, clock(), settings.drawnAt);
  const draw =
    phase === 'drawn'
      ? await LotteryDrawModel.findOne({ office: office._id, date, state: 'drawn' })
          .select('+seed')
          .lean<DrawRecord>()
      : null;
  return {
    office,
    date,
    lottery: { ...settings, phase },
    commitment: settings.commitment,
    seed: draw?.seed,
    drawnAt: draw?.drawnAt,
    slots: draw?.slots ?? [],
    winners: draw?.winners ?? [],
    applications: draw ? (await cache.list(draw._id)).applications : [],
  };
}

/**
 * Recomputes the draw from a seed someone typed and the published list: whether the seed
 * is the one committed to, and whether it gives the published winners.
 */
export async function check(
  deps: DrawDeps,
  officeIdOrSlug: string,
  date: string,
  seedInput: string,
  reference?: string,
) {
  const pub = await published(deps, officeIdOrSlug, date);
  const seed = seedInput.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(seed)) throw invalid({ seed: { key: 'lottery.check.seed_format' } });
  if (pub.lottery.phase !== 'drawn') throw new AppError('conflict', 'lottery.not_drawn_yet');
  const result = verifyDraw(seed, {
    commitment: pub.commitment,
    applications: pub.applications,
    slots: pub.slots.map((slot) => ({ start: slot.start, capacity: slot.places })),
  });
  const placed = result.assignments.filter((a) => a.start !== null);
  const sameWinners =
    placed.length === pub.winners.length &&
    placed.every((a, i) => {
      const w = pub.winners[i];
      return w !== undefined && w.reference === a.reference && w.start === a.start && w.rank === a.rank;
    });
  const wanted = reference?.trim().toUpperCase();
  const mine: Assignment | undefined = wanted
    ? result.assignments.find((a) => a.reference === wanted)
    : undefined;
  return {
    ...pub,
    entered: seed,
    seedMatches: result.seedMatches,
    sameWinners,
    placed,
    total: result.order.length,
    ...(wanted ? { lookup: { reference: wanted, found: mine } } : {}),
  };
}
