// The staff console's services, built once by the composition root (src/container.ts).
import type { Clock } from '../../lib/clock.ts';
import type { AuditService } from '../audit-service.ts';
import type { EventBus } from '../events.ts';
import type { ScheduleService } from '../schedule-service.ts';
import { createCapacitySync } from './capacity-sync.ts';
import { createClosureService } from './closure-service.ts';
import { createDashboardService } from './dashboard-service.ts';
import { createDayOpsService, type DayOpsService } from './day-ops-service.ts';
import { createOfficeAdminService } from './office-admin-service.ts';
import { createPlanningService } from './planning-service.ts';
import { createRosterService } from './roster-service.ts';
import { createStaffAccountsService } from './staff-accounts-service.ts';
import { createStaffAuthService, type UnlockMail } from './staff-auth-service.ts';
import { createWindowService } from './window-service.ts';

export function createStaffServices(deps: {
  clock: Clock;
  events: EventBus;
  schedule: ScheduleService;
  audit: AuditService;
  /** Mails a locked account the link that lifts the lock. */
  sendUnlockLink?: (mail: UnlockMail) => Promise<void>;
}) {
  const { clock, events, schedule, audit } = deps;
  const dayOps = createDayOpsService({ clock, events, audit });
  const auth = createStaffAuthService({
    clock,
    audit,
    ...(deps.sendUnlockLink ? { sendUnlockLink: deps.sendUnlockLink } : {}),
  });
  const capacity = createCapacitySync({ schedule });
  const closure = createClosureService({ clock, events, audit });
  const planning = createPlanningService({ clock, events, schedule, audit, capacity, closure });
  const windows = createWindowService({ schedule, planning, audit });
  const staff = {
    auth,
    accounts: createStaffAccountsService({ audit, auth }),
    offices: createOfficeAdminService({ schedule, audit }),
    windows,
    planning,
    closure,
    roster: createRosterService({ schedule, windowsOf: windows.list }),
    dashboard: createDashboardService({ schedule }),
  };
  return { dayOps, staff };
}

export type StaffServices = ReturnType<typeof createStaffServices>['staff'];
export type { DayOpsService };
