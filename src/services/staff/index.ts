// The staff console's services, built once by the composition root (src/container.ts): each
// module's use cases bound to the one staff context.
import type { Clock } from '../../lib/clock.ts';
import type { AuditService } from '../audit-service.ts';
import type { BookingService } from '../booking/booking-service.ts';
import type { CeremonyService } from '../ceremony/ceremony-service.ts';
import { bound } from '../context.ts';
import type { EventBus } from '../events.ts';
import type { ScheduleService } from '../schedule-service.ts';
import * as desk from './booking-desk.ts';
import { ensureOfficeWindows, listWindows } from './capacity-sync.ts';
import * as closure from './closure-service.ts';
import * as dashboard from './dashboard-service.ts';
import * as dayOps from './day-ops-service.ts';
import * as holidayImport from './holiday-import.ts';
import * as offices from './office-admin-service.ts';
import * as planning from './planning-service.ts';
import * as roster from './roster-service.ts';
import * as accounts from './staff-accounts-service.ts';
import * as auth from './staff-auth-service.ts';
import type { StaffContext } from './staff-context.ts';
import * as template from './template-planning.ts';
import { unknownEmailFailures } from './unknown-email-failures.ts';
import * as verifiedPhone from './verified-phone-service.ts';
import * as windows from './window-service.ts';

export function createStaffServices(deps: {
  clock: Clock;
  events: EventBus;
  schedule: ScheduleService;
  audit: AuditService;
  /** Staff change bookings for couples through the couple's own use cases. */
  booking: BookingService;
  ceremonies: CeremonyService;
  /** Mails a locked account the link that lifts the lock. */
  sendUnlockLink?: (mail: auth.UnlockMail) => Promise<void>;
}) {
  const unknownEmails = unknownEmailFailures({
    lockAfter: auth.ACCOUNT_LOCK_FAILURES,
    lockMinutes: auth.lockMinutes,
  });
  const ctx: desk.DeskContext = { ...deps, unknownEmails, dayLocks: new Map() };
  const staff = {
    auth: authUseCases(ctx),
    accounts: {
      list: accounts.list,
      get: accounts.get,
      create: bound(ctx, accounts.create),
      update: bound(ctx, accounts.update),
      setActive: bound(ctx, accounts.setActive),
      resetLink: bound(ctx, accounts.resetLink),
    },
    offices: {
      listFor: offices.listFor,
      get: offices.get,
      updateDetails: bound(ctx, offices.updateDetails),
      updateRules: bound(ctx, offices.updateRules),
      create: bound(ctx, offices.create),
      addPeakDay: bound(ctx, offices.addPeakDay),
      removePeakDay: bound(ctx, offices.removePeakDay),
    },
    windows: windowUseCases(ctx),
    verifiedPhone: {
      setOffice: bound(ctx, verifiedPhone.setOfficeVerifiedPhone),
      setDay: bound(ctx, verifiedPhone.setDayVerifiedPhone),
    },
    planning: planningUseCases(ctx),
    closure: {
      activeCount: closure.activeCount,
      closeDay: bound(ctx, closure.closeDay),
      reopenDay: bound(ctx, closure.reopenDay),
    },
    roster: {
      day: roster.day,
      appointment: roster.appointment,
      flaggedSlots: roster.flaggedSlots,
      today: deps.schedule.today,
    },
    dashboard: { forOffice: bound(ctx, dashboard.forOffice), series: dashboard.series },
    /** Cancelling and moving a booking for a couple who phones. */
    desk: {
      cancel: bound(ctx, desk.cancelForCouple),
      movePlan: bound(ctx, desk.movePlan),
      move: bound(ctx, desk.moveForCouple),
    },
  };
  const dayOperations = {
    checkIn: bound(ctx, dayOps.checkIn),
    serve: bound(ctx, dayOps.serve),
    markNoShow: bound(ctx, dayOps.markNoShow),
    undo: bound(ctx, dayOps.undo),
  };
  return { dayOps: dayOperations, staff };
}

export type StaffServices = ReturnType<typeof createStaffServices>['staff'];
export type DayOpsService = ReturnType<typeof createStaffServices>['dayOps'];

function authUseCases(ctx: StaffContext) {
  return {
    login: bound(ctx, auth.login),
    loadPrincipal: auth.loadPrincipal,
    issuePasswordLink: bound(ctx, auth.issuePasswordLink),
    accountForLink: bound(ctx, auth.accountForLink),
    setPasswordWithLink: bound(ctx, auth.setPasswordWithLink),
    accountForUnlock: bound(ctx, auth.accountForUnlock),
    unlockWithLink: bound(ctx, auth.unlockWithLink),
  };
}

function windowUseCases(ctx: StaffContext) {
  return {
    /** The office's windows (read only: see listWindows). */
    list: listWindows,
    /** Stores the windows of an office that never saved any (the seed, tests). */
    ensureDefaults: ensureOfficeWindows,
    add: bound(ctx, windows.add),
    update: bound(ctx, windows.update),
    remove: bound(ctx, windows.remove),
    setCouplesPerWindow: bound(ctx, windows.setCouplesPerWindow),
  };
}

function planningUseCases(ctx: StaffContext) {
  return {
    storedPlan: planning.storedPlan,
    upcomingPlans: planning.upcomingPlans,
    previewPlan: bound(ctx, planning.previewPlan),
    applyPlan: bound(ctx, planning.applyPlan),
    dayState: planning.dayState,
    previewTemplate: bound(ctx, template.previewTemplate),
    applyTemplate: bound(ctx, template.applyTemplate),
    previewOfficeWide: bound(ctx, planning.previewOfficeWide),
    syncOffice: bound(ctx, planning.syncOffice),
    peakSuggestions: bound(ctx, planning.peakSuggestions),
    peakDraft: bound(ctx, planning.peakDraft),
    previewImport: bound(ctx, holidayImport.previewImport),
    applyImport: bound(ctx, holidayImport.applyImport),
  };
}
