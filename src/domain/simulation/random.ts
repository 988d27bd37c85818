/**
 * A seeded pseudo-random generator for simulated data: the same seed gives the same stream on
 * every machine. Not for anything secret (codes and tokens use node:crypto).
 */
export interface Random {
  /** A uniform 32-bit unsigned integer. */
  uint32(): number;
  /** A uniform number in [0, 1). */
  next(): number;
  /** A uniform integer in [0, n). */
  below(n: number): number;
}

/** splitmix32: spreads a seed over the state, so neighbouring seeds give unrelated streams. */
function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
}

/**
 * sfc32 (Chris Doty-Humphrey's small fast chaotic generator, from PractRand): 128 bits of
 * state, so streams of different seeds do not overlap the way a 32-bit generator's would.
 */
export function seededRandom(seed: number): Random {
  const mix = splitmix32(seed);
  let a = mix();
  let b = mix();
  let c = mix();
  let d = 1;
  const uint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) uint32();
  const next = () => uint32() / 2 ** 32;
  return { uint32, next, below: (n) => Math.floor(next() * n) };
}

/** Draws indexes with fixed probabilities (weights need not sum to 1). */
export class Categorical {
  private readonly cumulative: Float64Array;

  constructor(weights: readonly number[]) {
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => (this.cumulative[i] = sum += w));
  }

  draw(random: Random): number {
    const target = random.next() * (this.cumulative[this.cumulative.length - 1] as number);
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.cumulative[middle] as number) > target) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}

/**
 * Weights as a real survey's answers fall: a few popular, some rare (u³ is a cheap stand-in
 * for a sparse Dirichlet draw); the floor keeps every option possible.
 */
export function skewedWeights(random: Random, n: number): number[] {
  return Array.from({ length: n }, () => 0.02 + random.next() ** 3);
}

/** `count` distinct indexes drawn in turn by weight (Plackett–Luce): popular ones come first. */
export function drawOrder(random: Random, weights: readonly number[], count: number): number[] {
  const left = weights.map((weight, index) => ({ weight, index }));
  const order: number[] = [];
  while (order.length < count && left.length > 0) {
    let target = random.next() * left.reduce((sum, o) => sum + o.weight, 0);
    let at = 0;
    while (at < left.length - 1 && (target -= (left[at] as { weight: number }).weight) >= 0) at++;
    order.push((left.splice(at, 1)[0] as { index: number }).index);
  }
  return order;
}

const hex = (n: number) => n.toString(16).padStart(8, '0');

/** A version-4 UUID made of the stream's bits. */
export function seededUuid(random: Random): string {
  const words = [random.uint32(), random.uint32(), random.uint32(), random.uint32()].map(hex);
  const [w0, w1, w2, w3] = words as [string, string, string, string];
  const version = `4${w1.slice(5, 8)}`;
  const variant = `${'89ab'[random.below(4)]}${w2.slice(1, 4)}`;
  return `${w0}-${w1.slice(0, 4)}-${version}-${variant}-${w2.slice(4)}${w3}`;
}

/** A number in [0, 1) from 53 bits, like the record key of a real response. */
export function seededUnitKey(random: Random): number {
  return ((random.uint32() >>> 5) * 2 ** 26 + (random.uint32() >>> 6)) / 2 ** 53;
}

/** `words` × 32 random bits as hexadecimal. */
export function seededHex(random: Random, words: number): string {
  let out = '';
  for (let i = 0; i < words; i++) out += hex(random.uint32());
  return out;
}
