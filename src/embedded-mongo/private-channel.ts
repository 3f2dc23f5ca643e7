// The engine is for its owner only. It has no authentication, so who may open its channel is
// who may read and change every document: by default it listens on a Unix-domain socket in a
// directory only the engine's OS user can open (0700, owned by that user), and its data
// directory is made the same. TCP is used only when a port is asked for.
//
// The official driver reaches a socket with its path, URI-encoded, as the host:
// mongodb://%2Fvar%2Flib%2Fregistry%2Frun%2Fmongod.sock/ (the path must end in .sock).
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, rmdirSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const SOCKET_NAME = 'mongod.sock';
/** A socket's path must fit in sun_path: 107 bytes on Linux, 103 on macOS; this leaves room. */
const MAX_SOCKET_PATH_BYTES = 100;
const TEMPORARY_PREFIX = 'embedded-mongo-';

const ownUid = () => (typeof process.getuid === 'function' ? process.getuid() : undefined);

/** The connection string of a socket: its path, URI-encoded, as the host. */
export function socketUri(socketPath: string): string {
  return `mongodb://${encodeURIComponent(socketPath)}/`;
}

/** A socket in a fresh temporary directory of its own (0700), removed when the engine stops. */
export function temporarySocketPath(): string {
  return path.join(mkdtempSync(path.join(os.tmpdir(), TEMPORARY_PREFIX)), SOCKET_NAME);
}

/**
 * `<dir>/mongod.sock`, or, when that path would be too long for a socket (a deep data
 * directory), a socket in a fresh temporary directory of its own.
 */
export function socketPathIn(dir: string): string {
  return fittingSocketPath(dir) ?? temporarySocketPath();
}

/** `<dir>/mongod.sock` when that path fits a socket; undefined when it is too long. */
export function fittingSocketPath(dir: string): string | undefined {
  const wanted = path.join(path.resolve(dir), SOCKET_NAME);
  return Buffer.byteLength(wanted) <= MAX_SOCKET_PATH_BYTES ? wanted : undefined;
}

/**
 * Makes `dir` a directory only this OS user can open: created 0700, or, when it exists and
 * is ours, its group and other permissions taken away. `strict`: a directory of another user
 * (or a symbolic link) is refused, since its owner could swap what is in it.
 */
export function makePrivateDir(dir: string, opts: { strict: boolean }): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a directory`);
  const uid = ownUid();
  const ours = uid === undefined || st.uid === uid;
  if (!ours) {
    if (opts.strict)
      throw new Error(`${dir} belongs to another user (uid ${st.uid}): it cannot be kept private`);
    return;
  }
  if ((st.mode & 0o077) !== 0) chmodSync(dir, st.mode & 0o700);
}

/** Whether something accepts connections on the socket (a live engine), or it is a leftover. */
export function socketAnswers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/**
 * Readies the socket's directory (private, see makePrivateDir) and removes a socket a dead
 * engine left behind. A socket something still answers on is refused.
 */
export async function prepareSocket(socketPath: string): Promise<void> {
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES + 7) {
    throw new Error(`the socket path ${socketPath} is too long for a Unix-domain socket`);
  }
  makePrivateDir(path.dirname(socketPath), { strict: true });
  if (!existsSync(socketPath)) return;
  if (!lstatSync(socketPath).isSocket()) throw new Error(`${socketPath} exists and is not a socket`);
  if (await socketAnswers(socketPath)) {
    throw new Error(`Another embedded MongoDB engine is already listening on ${socketPath}`);
  }
  unlinkSync(socketPath);
}

/** After listening: the socket itself for its owner alone too (0600). */
export function lockDownSocket(socketPath: string): void {
  chmodSync(socketPath, 0o600);
}

/** Removes the socket, and its directory when it was a temporary one of its own. */
export function removeSocket(socketPath: string): void {
  try {
    unlinkSync(socketPath);
  } catch {
    // already gone
  }
  const dir = path.dirname(socketPath);
  if (path.dirname(dir) === os.tmpdir() && path.basename(dir).startsWith(TEMPORARY_PREFIX)) {
    try {
      rmdirSync(dir);
    } catch {
      // not empty or already gone: left as it is
    }
  }
}
