/**
 * Atomic file replacement: write a temporary file beside the target, flush it
 * to disk, then rename it over the target.
 *
 * A reader of `path` sees either the old file or the complete new one, never a
 * half-written file, even when the writer throws or the process is killed:
 * `rename` within one directory is atomic on POSIX file systems. The data is
 * flushed (`syncData`) before the rename so that a crash right after it cannot
 * leave an empty file under the final name. After a crash (not a thrown
 * error) a temporary file `.<name>.tmp-<pid>-<n>-<time>` may remain in the
 * directory; it is never read and can be deleted.
 *
 * @module
 */

/** What to write: bytes, text (written as UTF-8), or a function writing to the open file. */
export type AtomicData =
  | Uint8Array
  | string
  | ((file: Deno.FsFile) => Promise<void>);

/** How many names to try when a temporary name is taken. */
const MAX_NAME_ATTEMPTS = 100;
/** Permission bits of a file mode. */
const PERMISSION_BITS = 0o777;

let tempCounter = 0;

/**
 * Writes `data` to `path` atomically.
 *
 * The temporary file lives in the same directory as `path` (so the rename
 * stays on one file system) and is removed if writing fails. When `path`
 * already exists, the new file keeps its permission bits. A symbolic link at
 * `path` is replaced by a regular file.
 *
 * @param path The file to create or replace.
 * @param data Bytes, a string, or an async function that writes the content
 * to the open temporary file (to stream large content without one buffer).
 * @returns A promise that resolves once the new content is in place.
 * @throws Whatever writing, flushing or renaming throws; `path` is then unchanged.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "./_atomic.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const path = `${dir}/greeting.txt`;
 * await writeFileAtomic(path, "hello");
 * await assert.rejects(writeFileAtomic(path, async (file) => {
 *   await file.write(new TextEncoder().encode("half"));
 *   throw new Error("disk on fire");
 * }));
 * assert.equal(await Deno.readTextFile(path), "hello");
 * assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["greeting.txt"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeFileAtomic(
  path: string,
  data: AtomicData,
): Promise<void> {
  if (typeof path !== "string" || path === "") {
    throw new TypeError(
      `Cannot write file: path must be a non-empty string, got ${
        JSON.stringify(path)
      }`,
    );
  }
  const { dir, base } = splitPath(path);
  const mode = await existingMode(path);
  const { file, tempPath } = await createTemp(dir, base);
  let open = true;
  try {
    if (mode !== undefined) await Deno.chmod(tempPath, mode);
    if (typeof data === "function") {
      await data(file);
    } else {
      const bytes = typeof data === "string"
        ? new TextEncoder().encode(data)
        : data;
      await writeAll(file, bytes);
    }
    await file.syncData();
    file.close();
    open = false;
    await Deno.rename(tempPath, path);
  } catch (error) {
    if (open) {
      try {
        file.close();
      } catch {
        // Already closed by the callback; nothing to release.
      }
    }
    await Deno.remove(tempPath).catch(ignore);
    throw error;
  }
  await syncDirectory(dir);
}

/**
 * Writes every byte of `bytes` to `file` (`write` may write fewer at a time).
 *
 * @param file An open, writable file.
 * @param bytes The bytes.
 * @returns A promise that resolves when all bytes are written.
 */
export async function writeAll(
  file: Deno.FsFile,
  bytes: Uint8Array,
): Promise<void> {
  let at = 0;
  while (at < bytes.length) {
    at += await file.write(bytes.subarray(at));
  }
}

function splitPath(path: string): { dir: string; base: string } {
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  const dir = slash < 0 ? "." : slash === 0 ? "/" : path.slice(0, slash);
  const base = path.slice(slash + 1);
  if (base === "" || base === "." || base === "..") {
    throw new TypeError(
      `Cannot write file: "${path}" does not name a file`,
    );
  }
  return { dir, base };
}

async function existingMode(path: string): Promise<number | undefined> {
  if (Deno.build.os === "windows") return undefined;
  try {
    const info = await Deno.stat(path);
    if (!info.isFile || info.mode === null) return undefined;
    return info.mode & PERMISSION_BITS;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

async function createTemp(
  dir: string,
  base: string,
): Promise<{ file: Deno.FsFile; tempPath: string }> {
  // Unique, not random: the process id, a counter and the time, with
  // `createNew` refusing a name that exists.
  for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
    tempCounter++;
    const suffix = `${Deno.pid}-${tempCounter}-${Date.now().toString(36)}`;
    const tempPath = `${dir}/.${base}.tmp-${suffix}`;
    try {
      const file = await Deno.open(tempPath, { write: true, createNew: true });
      return { file, tempPath };
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
  }
  throw new Error(
    `Cannot write file: no free temporary name for "${base}" in "${dir}" after ${MAX_NAME_ATTEMPTS} attempts`,
  );
}

async function syncDirectory(dir: string): Promise<void> {
  // Makes the rename itself durable where the platform allows; the new
  // content is already complete under its final name either way.
  if (Deno.build.os === "windows") return;
  try {
    const handle = await Deno.open(dir, { read: true });
    try {
      await handle.syncData();
    } finally {
      handle.close();
    }
  } catch {
    // Some file systems refuse to sync a directory; nothing more to do.
  }
}

function ignore(): void {}
