// /staff/outbox, for administrators: the development outbox (every message sent while no
// SMTP server is configured) and the notifications that failed after their last attempt,
// each with a button to send it again. An administrator of some offices sees only the
// messages about them; private links in messages are shown masked.
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container.ts';
import { AppError } from '../../../services/errors.ts';
import { isGlobalAdmin } from '../../../services/staff/principal.ts';
import { requireStaff } from '../../middleware/staff-auth.ts';
import { action } from '../../route.ts';
import { me, renderStaff } from './support.ts';

const ID = /^[a-f0-9]{24}$/i;

function idParam(req: Request, name = 'id'): string {
  const id = String(req.params[name] ?? '');
  if (!ID.test(id)) throw new AppError('not_found');
  return id;
}

/** The offices whose messages the signed-in administrator reads (undefined: every office). */
function scopeOf(req: Request): string[] | undefined {
  const staff = me(req);
  return isGlobalAdmin(staff) ? undefined : staff.offices;
}

export function outboxRoutes(c: Container): Router {
  const router = Router();
  const { services } = c;
  const { notifications } = services;
  router.use(requireStaff('admin'));

  router.get('/', async (req, res) => outboxPage(c, req, res));

  router.get('/messages/:id', async (req, res) => {
    const message = await notifications.outboxMessage(idParam(req), scopeOf(req));
    renderStaff(res, 'staff/outbox-message', {
      title: message.subject,
      navActive: 'outbox',
      message,
    });
  });

  // The message's own HTML, shown in a sandboxed frame: no scripts, no requests, own origin.
  router.get('/messages/:id/html', async (req, res) => {
    const message = await notifications.outboxMessage(idParam(req), scopeOf(req));
    res.set(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox",
    );
    res.set('X-Frame-Options', 'SAMEORIGIN');
    res.type('html').send(message.html);
  });

  router.get('/messages/:id/attachments/:index', async (req, res) => {
    const message = await notifications.outboxMessage(idParam(req), scopeOf(req));
    const attachment = message.attachments[Number(req.params.index)];
    if (!attachment) throw new AppError('not_found');
    res.type(attachment.contentType.split(';')[0] ?? 'application/octet-stream');
    res.attachment(attachment.filename);
    res.send(attachment.content);
  });

  router.post(
    '/notifications/:id/resend',
    action({
      run: async (_input, req, res) => {
        const result = await notifications.resend(idParam(req), me(req).id, scopeOf(req));
        if (result.outcome === 'sent') res.flash('success', 'outbox.resent');
        else if (result.outcome === 'skipped') res.flash('info', 'outbox.resend_skipped');
        else res.flash('error', 'outbox.resend_failed', { error: result.detail ?? '' });
      },
      back: () => '/staff/outbox',
      // Sent or taken meanwhile by another process.
      flash: () => ({ key: 'outbox.resend_conflict' }),
    }),
  );

  return router;
}

/** The outbox page: failed notifications, the latest ones, and the outbox, 30 messages a page. */
async function outboxPage(c: Container, req: Request, res: Response) {
  const { notifications } = c.services;
  const before =
    typeof req.query.before === 'string' && ID.test(req.query.before) ? req.query.before : undefined;
  const offices = scopeOf(req);
  const [failed, recent, messages] = await Promise.all([
    notifications.failed(100, offices),
    notifications.recent(20, offices),
    notifications.outbox({ limit: 30, offices, ...(before ? { before } : {}) }),
  ]);
  renderStaff(res, 'staff/outbox', {
    title: res.locals.t('outbox.title'),
    navActive: 'outbox',
    transportKind: notifications.transportKind,
    failed,
    recent,
    messages,
    before,
    nextBefore: messages.length === 30 ? messages.at(-1)?._id.toString() : undefined,
  });
}
