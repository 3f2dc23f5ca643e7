// Before anything is measured, every path the scenarios take is run for a few seconds on an
// office of its own: on a peak day the app has been up for days, so its code is compiled and
// its connections are open when the booking opens.
import { apiBooking, freshCouples, seedPeakDay } from './bench-data.ts';
import { runClients, runLoad } from './http-load.ts';
import { codeRequest, freshAddress } from './opening-verified.ts';
import { bookingForm, hiddenField, Phone } from './phone.ts';

export async function warmUp(port: number, withPages: boolean): Promise<void> {
  await runLoad({ port, clients: 10, durationMs: 1000, next: () => ({ method: 'GET', path: '/healthz' }) });
  const day = await seedPeakDay({
    slug: 'bench-warm-up',
    sessions: [{ start: '09:00', end: '17:00' }],
    quota: 1000,
  });
  const couples = freshCouples(4000);
  let next = 0;
  const couple = () => couples[next++ % couples.length]!;
  const start = (i: number) => day.starts[i % day.starts.length]!;
  await runLoad({
    port,
    clients: 20,
    durationMs: 2000,
    next: (client, i) => apiBooking(day, start(client + i), couple()),
  });
  // And "full" answers: a day of one place per slot, soon full.
  const small = await seedPeakDay({
    slug: 'bench-warm-up-full',
    sessions: [{ start: '09:00', end: '12:00' }],
    quota: 1,
  });
  await runLoad({
    port,
    clients: 20,
    durationMs: 1000,
    next: (client, i) => apiBooking(small, small.starts[(client + i) % small.starts.length]!, couple()),
  });
  // And verification codes, each couple from an address of its own (bench/opening-verified.ts).
  await runLoad({ port, clients: 20, durationMs: 1000, next: () => codeRequest(couple(), freshAddress()) });
  if (!withPages) return;
  const dayPath = `/offices/${day.slug}/days/${day.date}`;
  await runClients({
    port,
    clients: 20,
    durationMs: 3000,
    step: async (client, i, request) => {
      const phone = new Phone(request);
      await phone.get(`/offices/${day.slug}?month=${day.date.slice(0, 7)}`, 'month');
      await phone.get(dayPath, 'day');
      const form = await phone.get(`${dayPath}/book?start=${start(client + i)}`, 'form');
      const fields = {
        start: start(client + i),
        csrf: hiddenField(form.body, '_csrf') ?? '',
        idempotencyKey: hiddenField(form.body, 'idempotencyKey') ?? '',
      };
      const sent = await phone.post(`${dayPath}/book`, bookingForm(couple(), fields), 'post');
      if (sent.headers.location) await phone.get(sent.headers.location, 'confirmation');
      return true;
    },
  });
}
