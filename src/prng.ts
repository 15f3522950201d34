/**
 * Seeded pseudo-random numbers: xoshiro128** seeded through splitmix32.
 *
 * Reference: Blackman and Vigna, "Scrambled linear pseudorandom number
 * generators" (2018). Every random choice in explore2vec goes through a
 * {@linkcode Prng} so that one seed gives one result.
 *
 * @module
 */

const TWO_POW_32 = 4294967296;

/**
 * A small, fast, seeded random number generator.
 *
 * @example
 * ```ts
 * import { Prng } from "./prng.ts";
 * import assert from "node:assert/strict";
 *
 * const a = new Prng(42);
 * const b = new Prng(42);
 * assert.equal(a.random(), b.random());
 * const x = a.int(10);
 * assert.ok(Number.isInteger(x) && x >= 0 && x < 10);
 * ```
 */
export class Prng {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  /**
   * Creates a generator from an integer seed.
   *
   * @param seed Any finite number; its low 32 bits and high bits are mixed in.
   */
  constructor(seed: number) {
    let x = (Math.trunc(seed) ^ Math.trunc(seed / TWO_POW_32)) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#s0 = next();
    this.#s1 = next();
    this.#s2 = next();
    this.#s3 = next();
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1;
  }

  /**
   * Next 32 random bits as an unsigned integer.
   *
   * @returns An integer in `[0, 2^32)`.
   */
  u32(): number {
    const s1 = this.#s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  /**
   * A float in `[0, 1)`, with the contract of `Math.random`.
   *
   * @returns A random number in `[0, 1)`.
   */
  random(): number {
    return this.u32() / TWO_POW_32;
  }

  /**
   * A uniform integer in `[0, n)`.
   *
   * @param n The exclusive upper bound, a positive integer below 2^32.
   * @returns A random integer.
   */
  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  /**
   * The generator as a `() => number` function with the `Math.random` contract.
   *
   * @returns A function drawing from this generator.
   */
  toFunction(): () => number {
    return () => this.random();
  }

  /**
   * The four 32-bit words of state, to resume a generator elsewhere (a Worker).
   *
   * @returns A copy of the state.
   */
  state(): Uint32Array {
    return Uint32Array.of(this.#s0, this.#s1, this.#s2, this.#s3);
  }

  /**
   * Restores a state returned by {@linkcode Prng.state}.
   *
   * @param state Four 32-bit words.
   */
  setState(state: ArrayLike<number>): void {
    if (state.length !== 4) {
      throw new TypeError(
        `Cannot restore Prng state: expected 4 words, got ${state.length}`,
      );
    }
    this.#s0 = state[0]! >>> 0;
    this.#s1 = state[1]! >>> 0;
    this.#s2 = state[2]! >>> 0;
    this.#s3 = state[3]! >>> 0;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
