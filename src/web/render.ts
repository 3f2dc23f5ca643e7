import type { Response } from 'express';

declare module 'express-serve-static-core' {
  interface Response {
    /**
     * Renders views/<view>.ejs inside views/layouts/main.ejs. A rendering failure goes to
     * `failed` when given, else to the error handler.
     */
    renderPage(
      view: string,
      locals?: Record<string, unknown>,
      status?: number,
      failed?: (err: Error) => void,
    ): void;
  }
}

const renderPage: Response['renderPage'] = function renderPage(
  this: Response,
  view,
  locals = {},
  status = 200,
  failed,
) {
  const layout = (locals.layout as string | undefined) ?? 'layouts/main';
  const fail = failed ?? ((err: Error) => this.req.next?.(err));
  this.render(view, locals, (err, body) => {
    if (err) return fail(err);
    this.status(status).render(layout, { ...locals, body }, (layoutErr, html) => {
      if (layoutErr) return fail(layoutErr);
      this.send(html);
    });
  });
};

/** Gives the response renderPage: one function shared by every response (it is `this`). */
export function installRenderPage(res: Response, next: () => void): void {
  res.renderPage = renderPage;
  next();
}
