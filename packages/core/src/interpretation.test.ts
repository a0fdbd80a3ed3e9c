import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from './backend.js';
import { arrayDataLoader, DataLoaders } from './data-loader.js';
import { InterpError } from './errors.js';
import { Interpretation, plotTopLosses } from './interpretation.js';
import { learnerFromFunction } from './learner.js';
import { expectNoLeakedTensors } from './testing.js';
import type { PlotTopLossesOptions, TopLossesSelection } from './top-losses-selection.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

// Identity model: logits = x, so losses are hand-computable:
// item 0: x=(0,1), y=1 -> ln(1+e^-1) = 0.3133; item 1: x=(2,0), y=0 -> ln(1+e^-2) = 0.1269;
// item 2: x=(1,1), y=1 -> ln 2 = 0.6931; item 3: x=(0,1), y=1 -> 0.3133 (ties item 0).
const x = { data: Float32Array.from([0, 1, 2, 0, 1, 1, 0, 1]), shape: [4, 2] };
const y = { data: Int32Array.from([1, 0, 1, 1]), shape: [4] };
const learner = () => {
  const dl = arrayDataLoader(x, y, { batchSize: 3, columns: ['f0', 'f1'] });
  return learnerFromFunction((t) => tf.clone(t), {
    dls: new DataLoaders(dl, dl),
    vocab: ['a', 'b'],
  });
};

describe('Interpretation.fromLearner(learn, options)', () => {
  it('reads preds, targets, decoded and losses of the validation set once', async () => {
    const interp = await Interpretation.fromLearner(learner());
    expect(interp.length).toBe(4);
    expect(interp.preds!.shape).toEqual([4, 2]);
    expect(Array.from(interp.decoded.data)).toEqual([1, 0, 0, 1]);
    expect(Array.from(interp.targs.data)).toEqual([1, 0, 1, 1]);
    expect(interp.losses![2]).toBeCloseTo(Math.LN2, 6);
    expect(interp.vocab).toEqual(['a', 'b']);
  });

  it('leaks no tensors', async () => {
    await expectNoLeakedTensors(() => Interpretation.fromLearner(learner(), { withInput: true }));
  });
});

describe('interp.topLosses(k, { largest })', () => {
  it('sorts losses, ties to the lower index first; all items when k is undefined', async () => {
    const interp = await Interpretation.fromLearner(learner());
    expect(Array.from(interp.topLosses().indices)).toEqual([2, 0, 3, 1]);
    const top2 = interp.topLosses(2);
    expect(Array.from(top2.indices)).toEqual([2, 0]);
    expect(top2.losses[1]).toBeCloseTo(Math.log(1 + Math.exp(-1)), 6);
    expect(Array.from(interp.topLosses(3, { largest: false }).indices)).toEqual([1, 0, 3]);
  });

  it('rejects k larger than the number of items, and interpretations without losses', async () => {
    const interp = await Interpretation.fromLearner(learner());
    expect(() => interp.topLosses(5)).toThrow(InterpError);
    expect(() => interp.topLosses(5)).toThrow(/k = 5 is larger than the 4 items/);
    const noLoss = new Interpretation({
      targs: { data: Int32Array.from([0]), shape: [1] },
      decoded: { data: Int32Array.from([0]), shape: [1] },
    });
    expect(() => noLoss.topLosses()).toThrow(/no losses/);
  });
});

// A task interpretation in miniature: it draws by overriding renderTopLosses, nothing registered.
class RowsInterpretation extends Interpretation {
  protected override renderTopLosses(
    selection: TopLossesSelection,
    options: PlotTopLossesOptions,
  ): Element {
    return { tagName: 'fake', selection, options } as unknown as Element;
  }
}
type Drawn = { selection: TopLossesSelection; options: PlotTopLossesOptions };

describe('interp.plotTopLosses(k) / plotTopLosses(interp, k)', () => {
  it("hands the subclass's renderTopLosses the selected indices, losses and items", async () => {
    const interp = await RowsInterpretation.fromLearner(learner());
    const el = (await plotTopLosses(interp, 2, { ncols: 3 })) as unknown as Drawn;
    expect(Array.from(el.selection.indices)).toEqual([2, 0]);
    expect(el.selection.losses[0]).toBeCloseTo(Math.LN2, 6);
    expect(el.selection.items![0]).toEqual({ kind: 'tabular', row: { f0: 1, f1: 1 } });
    expect(el.options.ncols).toBe(3);
    const smallest = (await interp.plotTopLosses(1, { largest: false })) as unknown as Drawn;
    expect(Array.from(smallest.selection.indices)).toEqual([1]);
    const given = (await interp.plotTopLosses([3])) as unknown as Drawn;
    expect(Array.from(given.selection.indices)).toEqual([3]);
  });

  it('gives no items when there are neither inputs nor a loader', async () => {
    const interp = new RowsInterpretation({
      targs: { data: Int32Array.from([0, 1]), shape: [2] },
      decoded: { data: Int32Array.from([0, 0]), shape: [2] },
      losses: Float32Array.from([0.5, 2]),
    });
    const el = (await interp.plotTopLosses(1)) as unknown as Drawn;
    expect(Array.from(el.selection.indices)).toEqual([1]);
    expect(el.selection.items).toBeUndefined();
  });

  it('says the base cannot draw, and rejects bad indices and k = 0', async () => {
    const interp = new Interpretation({
      targs: { data: Int32Array.from([0]), shape: [1] },
      decoded: { data: Int32Array.from([0]), shape: [1] },
      losses: Float32Array.from([1]),
      inputs: { data: new Float32Array(3), shape: [1, 3] },
    });
    await expect(interp.plotTopLosses(1)).rejects.toThrow(InterpError);
    await expect(interp.plotTopLosses(1)).rejects.toThrow(
      /Interpretation cannot draw top losses; .*override renderTopLosses/,
    );
    await expect(interp.plotTopLosses([7])).rejects.toThrow(/item index must be in \[0, 0\]/);
    await expect(interp.plotTopLosses(0)).rejects.toThrow(/nothing to plot/);
    expect(
      () =>
        new Interpretation({
          targs: { data: Int32Array.from([0, 1]), shape: [2] },
          decoded: { data: Int32Array.from([0]), shape: [1] },
        }),
    ).toThrow(/decoded has 1 items but targs has 2/);
  });
});

describe('interp.losses computed on first use', () => {
  it('calls the loss function once, on first read, and checks its length', () => {
    let calls = 0;
    const interp = new Interpretation({
      targs: { data: Int32Array.from([0, 1]), shape: [2] },
      decoded: { data: Int32Array.from([0, 0]), shape: [2] },
      losses: () => {
        calls++;
        return Float32Array.from([0.5, 2]);
      },
    });
    expect(calls).toBe(0);
    expect(Array.from(interp.topLosses(1).indices)).toEqual([1]);
    expect(Array.from(interp.losses!)).toEqual([0.5, 2]);
    expect(calls).toBe(1);
    const bad = new Interpretation({
      targs: { data: Int32Array.from([0, 1]), shape: [2] },
      decoded: { data: Int32Array.from([0, 0]), shape: [2] },
      losses: () => Float32Array.from([1]),
    });
    expect(() => bad.losses).toThrow(/losses has 1 items but targs has 2/);
  });
});
