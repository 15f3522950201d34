// The README's TypeScript examples run as they are written, with the JSR
// import pointed at this checkout's mod.ts. Blocks fenced as `ts ignore` need
// files or a network and are only type-checked by reading.
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);
const README = await Deno.readTextFile(new URL("README.md", ROOT));
const MOD = new URL("mod.ts", ROOT).href;

function runnableBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  const fence = /^```ts\n([\s\S]*?)^```$/gm;
  for (const match of markdown.matchAll(fence)) blocks.push(match[1]!);
  return blocks;
}

Deno.test("README has runnable TypeScript examples", () => {
  assert.ok(runnableBlocks(README).length >= 2);
});

for (const [i, block] of runnableBlocks(README).entries()) {
  Deno.test(`README example ${i + 1} runs`, async () => {
    const code = block.replaceAll(
      '"jsr:@explore2vec/explore2vec"',
      JSON.stringify(MOD),
    );
    assert.notEqual(code, block, "the example imports the package");
    const dir = await Deno.makeTempDir();
    try {
      const file = `${dir}/example.ts`;
      await Deno.writeTextFile(file, code);
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--no-lock", file],
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      }).output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
