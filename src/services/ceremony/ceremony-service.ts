// Group certificate ceremonies (集体颁证仪式): sessions, seats, waitlist and roster. One
// service for the public pages, the couple's pages, the coordinators' console, the JSON API
// and the job system (expireOffers, closeDueCeremonies, reconcileSeats). Its parts: the
// sessions' rules (ceremony-admin.ts), the couples' seats (participation.ts), the roster
// (roster.ts), what is read of them (ceremony-views.ts), the console's audited changes
// (coordination.ts) and the nightly check (reconcile.ts).
import { bound } from '../context.ts';
import { create, isClosedDay, setStatus, update } from './ceremony-admin.ts';
import { cancelByCoordinator, closeDueCeremonies } from './ceremony-closing.ts';
import type { CeremonyContext } from './ceremony-context.ts';
import {
  forAppointment,
  get,
  listForOffice,
  listForStaff,
  officeIdOf,
  seatedAmong,
  seatsOfAppointments,
  standing,
  upcomingForOffice,
} from './ceremony-views.ts';
import * as coordinator from './coordination.ts';
import { accept, join, leave, recheckAppointmentById } from './participation.ts';
import { reconcileSeats } from './reconcile.ts';
import { addByReference, confirm, decline, move, roster, setAttendance, sortBySlot } from './roster.ts';
import { expireOffers } from './seat-filling.ts';
import { seatOnMove } from './seat-on-move.ts';

export type { CeremonyInput } from './ceremony-admin.ts';
export type { CeremonySummary } from './ceremony-records.ts';
export type { AppointmentCeremony, StaffCeremonyRow } from './ceremony-views.ts';
export type { Roster, RosterRow } from './roster.ts';
export type { JoinResult } from './seat-filling.ts';
export type { MoveTarget, SeatOnMove } from './seat-on-move.ts';

export function createCeremonyService(ctx: CeremonyContext) {
  const whenIdle = followAppointments(ctx);
  return {
    // couples and public pages
    upcomingForOffice: bound(ctx, upcomingForOffice),
    listForOffice: bound(ctx, listForOffice),
    forAppointment: bound({ ...ctx, seatsOf: seatsOfAppointments() }, forAppointment),
    standing,
    join: bound(ctx, join),
    accept: bound(ctx, accept),
    leave: bound(ctx, leave),
    seatOnMove: bound(ctx, seatOnMove),
    // coordinators (the seed and tests; `coordinator` makes the same changes, audited)
    get: bound(ctx, get),
    officeIdOf,
    listForStaff: bound(ctx, listForStaff),
    create: bound(ctx, create),
    update: bound(ctx, update),
    setStatus: bound(ctx, setStatus),
    isClosedDay: bound(ctx, isClosedDay),
    cancel: bound(ctx, cancelByCoordinator),
    roster: bound(ctx, roster),
    confirm: bound(ctx, confirm),
    decline: bound(ctx, decline),
    setAttendance: bound(ctx, setAttendance),
    move,
    sortBySlot,
    addByReference: bound(ctx, addByReference),
    coordinator: {
      create: bound(ctx, coordinator.create),
      update: bound(ctx, coordinator.update),
      setStatus: bound(ctx, coordinator.setStatus),
      cancel: bound(ctx, coordinator.cancel),
      addByReference: bound(ctx, coordinator.addByReference),
      sortBySlot: bound(ctx, coordinator.sortBySlot),
      confirm: bound(ctx, coordinator.confirm),
      decline: bound(ctx, coordinator.decline),
      setAttendance: bound(ctx, coordinator.setAttendance),
      move: bound(ctx, coordinator.move),
    },
    // the job system
    expireOffers: bound(ctx, expireOffers),
    closeDueCeremonies: bound(ctx, closeDueCeremonies),
    reconcileSeats: bound(ctx, reconcileSeats),
    seatedAmong,
    whenIdle,
  };
}

export type CeremonyService = ReturnType<typeof createCeremonyService>;

/**
 * Cancelling or moving an appointment (or closing its office's day) may break the rule for a
 * ceremony it is in: each such event rechecks the couple's seat. Returns what resolves once
 * the work started by events has finished (tests, graceful stop).
 */
function followAppointments(ctx: CeremonyContext): () => Promise<void> {
  const inflight = new Set<Promise<void>>();
  const track = (work: Promise<void>): Promise<void> => {
    const p = work.finally(() => inflight.delete(p));
    inflight.add(p);
    return p;
  };
  ctx.events.subscribe((event) => {
    if (event.type === 'appointment.cancelled' || event.type === 'appointment.moved')
      return track(recheckAppointmentById(ctx, event.appointmentId));
    if (event.type === 'office.closed')
      return track(
        (async () => {
          for (const id of event.appointmentIds) await recheckAppointmentById(ctx, id);
        })(),
      );
  });
  return async () => {
    while (inflight.size) await Promise.allSettled([...inflight]);
  };
}
