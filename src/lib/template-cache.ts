// Compiled EJS templates, kept by file: the pages' view engine (app.ts) and the messages'
// (mail/render.ts). Compiling is most of what rendering a small page or message costs, so each
// file is compiled once; with `reload` (while templates are being edited) a file whose
// modification time changed is compiled again. Includes are the kept templates too, their
// paths resolved once: EJS's own `include` looks each one up on the disk (existsSync) at every
// render, even with its cache, which was a twentieth of a refused form's CPU.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';

type Data = Record<string, unknown>;
export type CompiledTemplate = (data: Data) => string;

interface Entry {
  compiled: CompiledTemplate;
  mtimeMs: number;
  /** What get() returns: the template rendered with its includes, kept with the entry. */
  render: CompiledTemplate;
}

export function createTemplateCache(opts: { reload: boolean }) {
  const entries = new Map<string, Entry>();
  const includePaths = new Map<string, string>();

  const entryOf = (file: string): Entry => {
    const kept = entries.get(file);
    if (kept && !opts.reload) return kept;
    const mtimeMs = opts.reload ? statSync(file).mtimeMs : 0;
    if (kept && kept.mtimeMs === mtimeMs) return kept;
    const compiled = ejs.compile(readFileSync(file, 'utf8'), {
      filename: file,
      cache: false,
      async: false,
      // The locals render() gives are already a copy without a prototype: no second copy.
      unsafePrototypeLocals: true,
    } as ejs.Options) as CompiledTemplate;
    const entry: Entry = { compiled, mtimeMs, render: (data) => render(file, data) };
    entries.set(file, entry);
    return entry;
  };

  /** The file `name` names from within `from`, as EJS resolves a relative include. */
  const includePath = (from: string, name: string): string => {
    const key = `${from}\n${name}`;
    const known = includePaths.get(key);
    if (known) return known;
    const file = path.resolve(path.dirname(from), path.extname(name) ? name : `${name}.ejs`);
    if (!existsSync(file)) throw new Error(`Could not find the include file "${name}" (in ${from})`);
    includePaths.set(key, file);
    return file;
  };

  /**
   * The template with an `include` of its own among its locals: EJS evaluates a template
   * inside `with (locals)`, so a template's `include(...)` is this one, which passes the
   * including template's data and the include's own, as EJS's does.
   */
  function render(file: string, data: Data): string {
    const include = (name: string, extra?: Data) =>
      render(includePath(file, name), extra ? { ...data, ...extra } : data);
    // Without a prototype, as EJS makes its locals: nothing on Object.prototype is in scope.
    const locals: Data = Object.assign(Object.create(null), data);
    locals.include = include;
    return entryOf(file).compiled(locals);
  }

  return {
    /** The compiled template of `file` (an absolute path). */
    get(file: string): CompiledTemplate {
      return entryOf(file).render;
    },
    /** Renders `file` with `data`. */
    render,
    /** An Express view engine (`app.engine('ejs', ...)`) rendering from this cache. */
    engine(file: string, data: object, done: (err: Error | null, html?: string) => void): void {
      let html: string;
      try {
        html = render(file, data as Data);
      } catch (err) {
        done(err as Error);
        return;
      }
      done(null, html);
    },
  };
}
