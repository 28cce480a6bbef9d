// Deterministic name lists for the folding tests. The expected folds in oracle.ts were
// recorded by passing these exact lists to ClusterShell 1.9.1's `nodeset -f`.

/** A tiny seeded generator, so "random" samples are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

const range = (first: number, last: number): number[] =>
  Array.from({ length: last - first + 1 }, (_, i) => first + i);

export const SAMPLES: Record<string, () => string[]> = {
  /** 200 names with regular and irregular gaps. */
  gaps200: () =>
    range(1, 260)
      .filter((i) => i % 7 !== 0 && !(i >= 40 && i <= 60) && i !== 99)
      .slice(0, 200)
      .map((i) => `node${i}`),

  /** Zero-padded names with random holes, shuffled, with duplicates. */
  paddedHoles: () => {
    const random = seededRandom(7);
    const kept = range(1, 300)
      .filter(() => random() > 0.2)
      .map((i) => `cn${String(i).padStart(4, '0')}`);
    return shuffle([...kept, ...kept.slice(0, 30)], random);
  },

  /** Several patterns mixed together, and names without numbers. */
  mixedPatterns: () => {
    const random = seededRandom(11);
    const names = [
      ...range(1, 21)
        .filter((i) => i !== 8)
        .map((i) => `cloud${i}`),
      ...range(1, 7).map((i) => `storm-cassandra${i}`),
      ...range(1, 12).map((i) => `db-${i}.example.com`),
      ...['web', 'backup', 'cloud', 'gateway-a', 'gateway-b'],
      ...range(98, 103).map((i) => `n${i}`),
      ...range(1, 3).map((i) => `n0${i}`),
    ];
    return shuffle(names, random);
  },

  /** A full 10×20 grid minus its diagonal: several vectors. */
  gridMinusDiagonal: () =>
    range(1, 10).flatMap((r) =>
      range(1, 20)
        .filter((n) => n !== r)
        .map((n) => `r${r}n${n}`),
    ),

  /** A sparse random subset of a 3D grid. */
  sparse3d: () => {
    const random = seededRandom(3);
    const all = range(1, 4).flatMap((r) =>
      range(1, 5).flatMap((c) => range(1, 6).map((n) => `r${r}c${c}n${n}`)),
    );
    return shuffle(
      all.filter(() => random() > 0.35),
      random,
    );
  },

  /** Addresses: four numbers each, so four dimensions. */
  addresses: () => [
    ...range(1, 30).map((i) => `10.1.${i}.1`),
    ...range(1, 30)
      .filter((i) => i % 3 !== 0)
      .map((i) => `10.2.${i}.2`),
  ],

  /** Padded indexes of mixed widths next to unpadded ones. */
  mixedPadding: () =>
    [
      ...range(0, 12).map(String),
      ...range(0, 12).map((i) => String(i).padStart(2, '0')),
      '007',
      '100',
      '099',
    ].map((i) => `x${i}`),

  /** 250 two-number names, random subset of 20 racks × 25 nodes with padding. */
  racks: () => {
    const random = seededRandom(5);
    const all = range(1, 20).flatMap((r) =>
      range(1, 25).map((n) => `rack${r}-node${String(n).padStart(2, '0')}`),
    );
    return shuffle(all, random).slice(0, 250);
  },
};
