// The conv shapes the Winograd tests run (winograd-conv-wasm.test.ts, winograd-tiles.test.ts).

export type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

export interface Case {
  x: [number, number, number, number];
  outChannels: number;
  pad: Pad;
}

/** Shapes Winograd takes (when forced below its thresholds): paddings, odd sizes, batch 1 and 3. */
export const cases: Case[] = [
  { x: [1, 8, 8, 4], outChannels: 4, pad: 'same' },
  { x: [3, 9, 7, 8], outChannels: 12, pad: 'same' },
  { x: [1, 11, 6, 4], outChannels: 8, pad: 'valid' },
  {
    x: [3, 5, 13, 8],
    outChannels: 4,
    pad: [
      [0, 0],
      [2, 0],
      [0, 3],
      [0, 0],
    ],
  },
  { x: [1, 3, 3, 4], outChannels: 4, pad: 'valid' }, // one output pixel
  { x: [2, 1, 2, 4], outChannels: 8, pad: 'same' },
];
