import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import { newAppointmentDocument } from '../../src/models/appointment.model.ts';
import { newLotteryApplicationDocument } from '../../src/models/lottery-application.model.ts';
import { storedPartner } from '../helpers/built-documents.ts';

describe('documents built by hand for the rush', () => {
  const fields = () => ({
    _id: new Types.ObjectId(),
    reference: 'ABCD2345',
    office: new Types.ObjectId(),
    slot: new Types.ObjectId(),
    date: '2026-08-10',
    start: '09:00',
    end: '09:30',
    startsAt: new Date('2026-08-10T01:00:00Z'),
    endsAt: new Date('2026-08-10T01:30:00Z'),
    partners: [storedPartner, { ...storedPartner, sex: 'female' as const }],
    email: 'a@example.com',
    language: 'zh-CN' as const,
    channel: 'online' as const,
    manageTokenHash: 'hash',
    overbooked: false,
    history: [],
  });

  it('are built when they fit the schema', () => {
    assert.equal(newAppointmentDocument(fields(), new Date()).status, 'booked');
  });

  it('are refused, naming the path, when a value is not one the schema enumerates or a required one is missing', () => {
    assert.throws(
      () => newAppointmentDocument({ ...fields(), channel: 'kiosk' as never }, new Date()),
      /channel is not one of its values/,
    );
    assert.throws(
      () => newAppointmentDocument({ ...fields(), manageTokenHash: undefined as never }, new Date()),
      /manageTokenHash is required/,
    );
    const partners = [{ ...storedPartner, sex: 'other' as never }, storedPartner];
    assert.throws(() => newAppointmentDocument({ ...fields(), partners }, new Date()), /partners\.0\.sex/);
  });

  it('read nested paths by their dots (a lottery preference)', () => {
    const application = {
      _id: new Types.ObjectId(),
      draw: new Types.ObjectId(),
      office: new Types.ObjectId(),
      date: '2026-08-10',
      reference: 'ABCD2345',
      partners: [storedPartner, { ...storedPartner, sex: 'female' as const }],
      email: '',
      language: 'en' as const,
      preference: { kind: 'any' as const },
      tokenHash: 'hash',
      appliedAt: new Date(),
      history: [],
    };
    assert.equal(newLotteryApplicationDocument(application, new Date()).status, 'applied');
    assert.throws(
      () => newLotteryApplicationDocument({ ...application, preference: {} as never }, new Date()),
      /preference\.kind is required/,
    );
  });
});
