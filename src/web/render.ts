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

/** Renders views/<view>.ejs inside its layout, and gives the page's HTML without sending it. */
export function pageHtml(
  res: Response,
  view: string,
  locals: Record<string, unknown>,
  done: (err: Error | null, html?: string) => void,
): void {
  const layout = (locals.layout as string | undefined) ?? 'layouts/main';
  res.render(view, locals, (err, body) => {
    if (err) return done(err);
    res.render(layout, { ...locals, body }, (layoutErr, html) => done(layoutErr, html));
  });
}

const renderPage: Response['renderPage'] = function renderPage(
  this: Response,
  view,
  locals = {},
  status = 200,
  failed,
) {
  const fail = failed ?? ((err: Error) => this.req.next?.(err));
  pageHtml(this, view, locals, (err, html) => {
    if (err) return fail(err);
    this.status(status).send(html);
  });
};

/** Gives the response renderPage: one function shared by every response (it is `this`). */
export function installRenderPage(res: Response, next: () => void): void {
  res.renderPage = renderPage;
  next();
}
