/**
 * Shared pieces of the command-line interface: argument parsing with usage
 * errors, exit codes, colours, progress output.
 *
 * Exit codes: 0 success, 1 failure (bad input file, failed work), 2 usage
 * (unknown flag, bad value).
 *
 * @module
 */

import { parseArgs as nodeParseArgs } from "node:util";
import { InputError } from "./errors.ts";

/** Exit code of a successful command. */
export const EXIT_OK = 0;
/** Exit code of a command that failed (bad input, failed work). */
export const EXIT_FAILURE = 1;
/** Exit code of a command line that is wrong (unknown flag, bad value). */
export const EXIT_USAGE = 2;

/** A wrong command line: printed with the command's usage hint, exit code 2. */
export class UsageError extends Error {
  /**
   * @param message What is wrong with the command line.
   */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A token that reads as a negative number, e.g. `-0.5` or `-1e-3`. */
const NEGATIVE_NUMBER = /^-(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** One flag of a command. */
export interface FlagSpec {
  /** `"string"` flags take a value, `"boolean"` flags do not. */
  type: "string" | "boolean";
  /** One-letter alias. */
  short?: string;
  /** May be given several times. */
  multiple?: boolean;
}

/**
 * Parses `args` strictly: unknown flags and stray positionals are a {@linkcode UsageError}.
 *
 * @param args The arguments after the subcommand.
 * @param flags The command's flags (`help` is added).
 * @returns The flag values.
 */
export function parseFlags(
  args: string[],
  flags: Record<string, FlagSpec>,
): Record<string, string | boolean | string[] | undefined> {
  // A negative number after a flag that takes a value is that value
  // (`--ns-exponent -0.5`), not another flag.
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    const name = arg.startsWith("--") ? arg.slice(2) : undefined;
    if (
      name !== undefined && !name.includes("=") &&
      flags[name]?.type === "string" &&
      next !== undefined && NEGATIVE_NUMBER.test(next)
    ) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  try {
    const { values } = nodeParseArgs({
      args: joined,
      options: { ...flags, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    });
    return values as Record<string, string | boolean | string[] | undefined>;
  } catch (error) {
    throw new UsageError(
      (error as Error).message.replace(/\. To specify.*$/s, ""),
    );
  }
}

/**
 * Reads an optional numeric flag.
 *
 * @param values Parsed flags.
 * @param name The flag name (without dashes).
 * @param options `integer`: reject fractions; `min`/`max`: bounds.
 * @returns The number, or `undefined` when the flag is absent.
 */
export function numberFlag(
  values: Record<string, unknown>,
  name: string,
  options: { integer?: boolean; min?: number; max?: number } = {},
): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  const value = Number(text);
  if (
    text === "" || !Number.isFinite(value) ||
    (options.integer && !Number.isInteger(value))
  ) {
    throw new UsageError(
      `--${kebab(name)} expects ${
        options.integer ? "an integer" : "a number"
      }, got "${raw}"`,
    );
  }
  if (options.min !== undefined && value < options.min) {
    throw new UsageError(
      `--${kebab(name)} must be at least ${options.min}, got ${value}`,
    );
  }
  if (options.max !== undefined && value > options.max) {
    throw new UsageError(
      `--${kebab(name)} must be at most ${options.max}, got ${value}`,
    );
  }
  return value;
}

/**
 * Reads a required string flag.
 *
 * @param values Parsed flags.
 * @param name The flag name.
 * @returns Its value.
 */
export function requiredFlag(
  values: Record<string, unknown>,
  name: string,
): string {
  const raw = values[name];
  if (typeof raw !== "string" || raw === "") {
    throw new UsageError(`missing --${kebab(name)}`);
  }
  return raw;
}

/**
 * Reads an optional flag restricted to a set of words.
 *
 * @param values Parsed flags.
 * @param name The flag name.
 * @param choices The valid words.
 * @returns The word, or `undefined` when absent.
 */
export function choiceFlag<T extends string>(
  values: Record<string, unknown>,
  name: string,
  choices: readonly T[],
): T | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (!choices.includes(raw as T)) {
    throw new UsageError(
      `--${kebab(name)} must be one of ${choices.join(", ")}, got "${raw}"`,
    );
  }
  return raw as T;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
}

/**
 * Whether colours may be used on a stream: only on a terminal, never with `NO_COLOR`.
 *
 * @param stream `"stdout"` or `"stderr"`.
 * @returns `true` when colours are allowed.
 */
export function useColor(stream: "stdout" | "stderr" = "stdout"): boolean {
  const noColor = Deno.env.get("NO_COLOR");
  if (noColor !== undefined && noColor !== "") return false;
  return (stream === "stdout" ? Deno.stdout : Deno.stderr).isTerminal();
}

/**
 * Runs a command body and turns errors into exit codes and one-line messages.
 *
 * Usage errors print the message and the usage hint (exit 2); option range
 * errors are usage errors too; input errors and other failures print
 * `error: message` (exit 1). Stack traces are printed only with
 * `EXPLORE2VEC_DEBUG=1`.
 *
 * @param usage The command's usage text, shown on usage errors.
 * @param body The command.
 * @returns The exit code.
 */
export async function runCommand(
  usage: string,
  body: () => Promise<number> | number,
): Promise<number> {
  try {
    return await body();
  } catch (error) {
    const debug = Deno.env.get("EXPLORE2VEC_DEBUG") === "1";
    if (debug) console.error(error);
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}\n\n${usage.trimEnd()}`);
      return EXIT_USAGE;
    }
    if (
      error instanceof RangeError && error.message.startsWith("Cannot train:")
    ) {
      console.error(`error: ${error.message}`);
      return EXIT_USAGE;
    }
    if (error instanceof InputError) {
      console.error(`error: ${error.message}`);
      return EXIT_FAILURE;
    }
    const message = error instanceof Error ? error.message : String(error);
    console.error(`error: ${message}`);
    return EXIT_FAILURE;
  }
}

/** Writes progress to stderr: a live bar on a terminal, a line every few seconds elsewhere. */
export class Progress {
  #live: boolean;
  #lastLine = 0;
  #lineInterval: number;
  #label: string;
  #drawn = false;

  /**
   * @param label Shown before the bar.
   * @param lineInterval Seconds between lines when stderr is not a terminal. Default 5.
   */
  constructor(label: string, lineInterval = 5) {
    this.#live = Deno.stderr.isTerminal();
    this.#label = label;
    this.#lineInterval = lineInterval * 1000;
  }

  /**
   * Reports progress.
   *
   * @param fraction Done share in `[0, 1]`.
   * @param detail Text after the bar (rate, loss).
   * @param etaSeconds Seconds left, when known.
   * @param force Print a line even when the interval has not passed.
   */
  update(
    fraction: number,
    detail: string,
    etaSeconds?: number,
    force = false,
  ): void {
    const pct = Math.min(100, Math.max(0, fraction * 100));
    const eta = etaSeconds !== undefined && Number.isFinite(etaSeconds)
      ? ` ETA ${formatDuration(etaSeconds)}`
      : "";
    const encoder = new TextEncoder();
    if (this.#live) {
      const width = 24;
      const filled = Math.round((pct / 100) * width);
      const bar = "█".repeat(filled) + "░".repeat(width - filled);
      const line = `\r${this.#label} ${bar} ${
        pct.toFixed(1).padStart(5)
      }% ${detail}${eta}\x1b[K`;
      Deno.stderr.writeSync(encoder.encode(line));
      this.#drawn = true;
      return;
    }
    const now = performance.now();
    if (force || now - this.#lastLine >= this.#lineInterval) {
      this.#lastLine = now;
      Deno.stderr.writeSync(
        encoder.encode(`${this.#label} ${pct.toFixed(1)}% ${detail}${eta}\n`),
      );
    }
  }

  /** Ends the live bar with a newline. */
  done(): void {
    if (this.#live && this.#drawn) {
      Deno.stderr.writeSync(new TextEncoder().encode("\n"));
    }
    this.#drawn = false;
  }
}

/**
 * Formats seconds as `1h02m`, `3m05s` or `4.2s`.
 *
 * @param seconds A duration.
 * @returns The short text.
 */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) {
    return `${m}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`;
  }
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
