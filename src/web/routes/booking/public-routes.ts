import { type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import { isLocalDate } from '../../../domain/local-time.ts';
import { invalid } from '../../../services/errors.ts';
import type { OfficeRecord, ScheduleService } from '../../../services/schedule-service.ts';
import { keptPagesOf } from '../../page-cache.ts';
import { monthQuerySchema } from '../../schemas/booking.schema.ts';
import { localDate } from '../../schemas/dates.schema.ts';
import { type SharedPage, sharedPage } from '../../shared-page.ts';
import { cellLabel, ceremoniesByDate, monthGrid, shiftMonth } from '../../view-models/calendar.ts';
import { ceremonyChanges, dayChanges, firstAfter, peakDayChanges } from '../../view-models/page-changes.ts';

/** How far ahead the office page looks for the ceremonies of its peak days. */
const PEAK_DAYS_AHEAD = 366;

/**
 * What a page of the office's days from `from` to `to` is rendered from (the office and its
 * planned days), as the schedule's caches hold them now, or undefined (sharedPage's `current`).
 * `thisMonth`: the page shows the current month, whichever it is, so it must still be that one.
 */
function keptInputs(schedule: ScheduleService, slug: string, from: string, to: string, thisMonth?: string) {
  return () => {
    const office = schedule.keptOffice(slug);
    if (!office || (thisMonth !== undefined && !schedule.today(office).startsWith(thisMonth)))
      return undefined;
    const range = schedule.keptPlannedRange(office, from, to);
    return range ? [office, range] : undefined;
  };
}

/** The month calendar of an office, rendered (and kept, by `shared`) for the days from `from` to `to`. */
async function renderMonthPage(
  c: Container,
  res: Response,
  shared: SharedPage,
  page: { office: OfficeRecord; month: string; from: string; to: string },
) {
  const { schedule, ceremonies } = c.services;
  const { office, month, from, to } = page;
  const today = schedule.today(office);
  const days = await schedule.availability(office, from, to);
  const [peakDays, ahead] = await Promise.all([
    schedule.peakDaysAhead(office),
    ceremonies.upcomingForOffice(office, today, PEAK_DAYS_AHEAD),
  ]);
  shared.changesAt(
    firstAfter(c.clock(), [
      ...days.flatMap(dayChanges),
      ...peakDays.flatMap(peakDayChanges),
      ...ahead.flatMap(ceremonyChanges),
    ]),
  );
  res.renderPage('public/office', {
    office,
    month,
    today,
    title: res.locals.t('page.office_title', { month: res.locals.formatMonth(month) }),
    grid: monthGrid(month, days),
    prevMonth: month > today.slice(0, 7) ? shiftMonth(month, -1) : null,
    nextMonth: shiftMonth(month, 1),
    peakDays,
    peakCeremonies: ceremoniesByDate(ahead),
    // The month's own ceremonies, so that the August page shows the Qixi ceremony.
    ceremonies: ahead.filter((one) => one.date.startsWith(month)),
    cellLabel,
  });
}

/** The couple's browsing pages: offices, an office's month, a day's slots. */
export function publicRoutes(c: Container): Router {
  const router = Router();
  const { services } = c;
  const { schedule } = services;
  // The day and month pages, kept for a moment (page-cache.ts): the container's.
  const pages = keptPagesOf(c);

  router.get('/', async (_req, res) => {
    const offices = await schedule.listOffices();
    res.renderPage('public/home', { offices, title: res.locals.t('home.title') });
  });

  router.get('/offices/:slug', async (req, res) => {
    const office = await schedule.getOffice(req.params.slug);
    const q = monthQuerySchema.safeParse(req.query);
    const month = (q.success && q.data.month) || schedule.today(office).slice(0, 7);
    if (!isLocalDate(`${month}-01`)) throw invalid({ month: { key: 'field.invalid_date' } });
    const grid = monthGrid(month, []);
    const [from, to] = [grid.weeks[0]![0]!.date, grid.weeks.at(-1)!.at(-1)!.date];
    const planned = async () => [office, await schedule.plannedRange(office, from, to)];
    // A page of "this month" (no month named) is not answered early past the month's end.
    const current = keptInputs(schedule, req.params.slug, from, to, q.data?.month ? undefined : month);
    const shared = await sharedPage(pages, req, res, planned, current);
    if (shared.answered) return;
    await renderMonthPage(c, res, shared, { office, month, from, to });
  });

  router.get('/offices/:slug/days/:date', async (req, res) => {
    const office = await schedule.getOffice(req.params.slug);
    const date = localDate.safeParse(req.params.date);
    if (!date.success) throw invalid({ date: { key: 'field.invalid_date' } });
    const planned = async () => [office, await schedule.plannedRange(office, date.data, date.data)];
    const current = keptInputs(schedule, req.params.slug, date.data, date.data);
    const shared = await sharedPage(pages, req, res, planned, current);
    if (shared.answered) return;
    const [day] = await schedule.availability(office, date.data, date.data);
    const ceremonies = await services.ceremonies.upcomingForOffice(office, date.data, 0);
    shared.changesAt(firstAfter(c.clock(), [...dayChanges(day!), ...ceremonies.flatMap(ceremonyChanges)]));
    res.renderPage('public/day', { office, day, ceremonies, title: res.locals.formatDate(date.data) });
  });

  return router;
}
