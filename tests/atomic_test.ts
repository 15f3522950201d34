import assert from "node:assert/strict";
import { writeAll, writeFileAtomic } from "../src/_atomic.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "explore2vec-atomic-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function listDir(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("writeFileAtomic() writes bytes, text and callback content", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/out.bin`;
    await writeFileAtomic(path, Uint8Array.of(1, 2, 3));
    assert.deepEqual(await Deno.readFile(path), Uint8Array.of(1, 2, 3));
    await writeFileAtomic(path, "héllo");
    assert.equal(await Deno.readTextFile(path), "héllo");
    await writeFileAtomic(path, async (file) => {
      await writeAll(file, new TextEncoder().encode("part one, "));
      await writeAll(file, new TextEncoder().encode("part two"));
    });
    assert.equal(await Deno.readTextFile(path), "part one, part two");
    assert.deepEqual(listDir(dir), ["out.bin"]);
  });
});

Deno.test("writeFileAtomic() keeps the old file when the writer throws midway", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/model.e2v`;
    await writeFileAtomic(path, "old content");
    const failure = new Error("writer failed");
    await assert.rejects(
      writeFileAtomic(path, async (file) => {
        await writeAll(file, new Uint8Array(100_000).fill(7));
        throw failure;
      }),
      (error) => error === failure,
    );
    assert.equal(await Deno.readTextFile(path), "old content");
    assert.deepEqual(listDir(dir), ["model.e2v"]);
  });
});

Deno.test("writeFileAtomic() leaves no file when the first write fails", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/new.txt`;
    await assert.rejects(
      writeFileAtomic(path, async (file) => {
        await writeAll(file, Uint8Array.of(1));
        throw new RangeError("stop");
      }),
      RangeError,
    );
    assert.deepEqual(listDir(dir), []);
  });
});

Deno.test("writeFileAtomic() survives a callback that closes the file itself", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/closed.txt`;
    await writeFileAtomic(path, "before");
    await assert.rejects(
      writeFileAtomic(path, async (file) => {
        await writeAll(file, Uint8Array.of(65));
        file.close();
      }),
    );
    assert.equal(await Deno.readTextFile(path), "before");
    assert.deepEqual(listDir(dir), ["closed.txt"]);
  });
});

Deno.test({
  name: "writeFileAtomic() keeps the permission bits of the file it replaces",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    await withTempDir(async (dir) => {
      const path = `${dir}/secret.txt`;
      await Deno.writeTextFile(path, "v1");
      await Deno.chmod(path, 0o600);
      await writeFileAtomic(path, "v2");
      assert.equal(await Deno.readTextFile(path), "v2");
      assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    });
  },
});

Deno.test("writeFileAtomic() writes relative to the working directory and rejects non-file paths", async () => {
  await withTempDir(async (dir) => {
    const cwd = Deno.cwd();
    Deno.chdir(dir);
    try {
      await writeFileAtomic("plain.txt", "here");
    } finally {
      Deno.chdir(cwd);
    }
    assert.equal(await Deno.readTextFile(`${dir}/plain.txt`), "here");
    await assert.rejects(writeFileAtomic(`${dir}/`, "x"), TypeError);
    await assert.rejects(writeFileAtomic("", "x"), TypeError);
  });
});

Deno.test("writeFileAtomic() fails without touching anything when the directory is missing", async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(
      writeFileAtomic(`${dir}/missing/out.txt`, "x"),
      Deno.errors.NotFound,
    );
    assert.deepEqual(listDir(dir), []);
  });
});
