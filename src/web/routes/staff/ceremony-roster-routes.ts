// The buttons of a ceremony's roster in the coordinators' console (status, cancel, add a
// couple, sort; and each seat's confirm, decline, attendance and place in the procession).
import type { NextFunction, Request, Response, Router } from 'express';
import type { z } from 'zod';
import type { Container } from '../../../container.ts';
import { translate } from '../../../i18n/translate.ts';
import { AppError } from '../../../services/errors.ts';
import { type ActionSpec, action } from '../../route.ts';
import {
  addCoupleSchema,
  attendanceSchema,
  ceremonyStatusSchema,
  openOptions,
  reorderSchema,
} from '../../schemas/ceremony-staff.schema.ts';
import { me } from './support.ts';

const BASE = '/staff/ceremonies';
const ceremonyId = (req: Request) => String(req.params.id);
const seatId = (req: Request) => String(req.params.seatId);
const rosterUrl = (req: Request) => `${BASE}/${ceremonyId(req)}#roster`;

// The roster's buttons: a refusal (a seat that is gone, a couple not found, a change the
// ceremony's state refuses) becomes an error flash, and the coordinator lands back on the roster.
export type Guard = (req: Request, res: Response, next: NextFunction) => Promise<void>;

function rosterButton<S extends z.ZodType | undefined = undefined>(
  spec: Pick<ActionSpec<S, undefined>, 'schema' | 'run'>,
) {
  return action<S>({
    ...spec,
    whenInvalid: () => new AppError('invalid', 'error.invalid'),
    back: rosterUrl,
    shows: ['not_found', 'forbidden', 'rate_limited'],
  });
}

export function rosterButtons(c: Container, router: Router, guard: Guard) {
  const coordinator = c.services.ceremonies.coordinator;
  router.post(
    '/:id/status',
    guard,
    rosterButton({
      schema: ceremonyStatusSchema,
      run: async (input, req, res) => {
        const { status } = input;
        await coordinator.setStatus(ceremonyId(req), status, me(req).id, openOptions(input));
        const label = translate(req.locale, `ceremony.status.${status}`);
        res.flash('success', 'ceremonies.flash.status', { status: label });
      },
    }),
  );
  router.post(
    '/:id/add',
    guard,
    action({
      schema: addCoupleSchema,
      whenInvalid: () => new AppError('invalid', 'ceremony.error.reference_not_found'),
      run: async ({ reference }, req, res) => {
        const result = await coordinator.addByReference(ceremonyId(req), reference, me(req).id);
        if (result.status === 'waitlisted')
          res.flash('info', 'ceremonies.flash.added_waitlisted', { position: result.position ?? '' });
        else res.flash('success', 'ceremonies.flash.added_seated');
      },
      back: rosterUrl,
      shows: ['not_found', 'forbidden', 'rate_limited'],
    }),
  );
  const plain = {
    cancel: { run: (req: Request) => coordinator.cancel(ceremonyId(req), me(req).id), flash: 'cancelled' },
    sort: { run: (req: Request) => coordinator.sortBySlot(ceremonyId(req), me(req).id), flash: 'sorted' },
  } as const;
  for (const [path, step] of Object.entries(plain)) {
    router.post(
      `/:id/${path}`,
      guard,
      rosterButton({
        run: async (_input, req, res) => {
          await step.run(req);
          res.flash('success', `ceremonies.flash.${step.flash}`);
        },
      }),
    );
  }
}

export function seatButtons(c: Container, router: Router, guard: Guard) {
  const coordinator = c.services.ceremonies.coordinator;
  const SEAT = '/:id/seats/:seatId';
  for (const [path, flash] of [
    ['confirm', 'confirmed'],
    ['decline', 'declined'],
  ] as const) {
    router.post(
      `${SEAT}/${path}`,
      guard,
      rosterButton({
        run: async (_input, req, res) => {
          await coordinator[path](ceremonyId(req), seatId(req), me(req).id);
          res.flash('success', `ceremonies.flash.${flash}`);
        },
      }),
    );
  }
  router.post(
    `${SEAT}/attendance`,
    guard,
    rosterButton({
      schema: attendanceSchema,
      run: async ({ attended }, req, res) => {
        await coordinator.setAttendance(ceremonyId(req), seatId(req), attended === 'yes', me(req).id);
        res.flash('success', 'ceremonies.flash.attendance');
      },
    }),
  );
  router.post(
    `${SEAT}/move`,
    guard,
    rosterButton({
      schema: reorderSchema,
      run: async ({ direction }, req, res) => {
        await coordinator.move(ceremonyId(req), seatId(req), direction, me(req).id);
        res.flash('success', 'ceremonies.flash.moved');
      },
    }),
  );
}
