// Type-checked (never run) in the consumer project with strict settings, once with
// moduleResolution node16 and once with bundler: every package's main API as a user writes it.
import { IntegratedGradients } from '@interp/attribution';
import { type MethodResult, runAttribution } from '@interp/attribution/methods';
import { ClassificationInterpretation } from '@interp/classification';
import { confusionMatrix } from '@interp/classification/metrics';
import { type BackendInfo, learnerFromFunction, setupBackend } from '@interp/core';
import { InterpError } from '@interp/core/base';
import { summary } from '@interp/debug';
import { loadMnist, loadPenguins, type Penguin } from '@interp/example-data';
import { loadOnnxModel, type OnnxModel } from '@interp/onnx';
import { SegmentationInterpretation } from '@interp/segmentation';
import { pixelAccuracy } from '@interp/segmentation/metrics';
import { parseCSV } from '@interp/tabular';
import { barChart, createDocument, toSVGString } from '@interp/viz';
import { createInterpretationWidget } from '@interp/widgets';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export async function useEverything(): Promise<string> {
  const info: BackendInfo = await setupBackend('cpu');
  const cm: number[][] = confusionMatrix([0, 1], [0, 1], 2);
  const interp = ClassificationInterpretation.fromPredictions;
  const seg = SegmentationInterpretation;
  const acc: number = pixelAccuracy([
    [1, 0],
    [0, 1],
  ]);
  const model = (x: tf.Tensor): tf.Tensor => tf.matMul(x, tf.ones([2, 2]));
  const ig = new IntegratedGradients(model);
  const attributions: tf.Tensor = await ig.attribute(tf.ones([1, 2]), { target: 0 });
  const byName: MethodResult = await runAttribution(model, 'gxi', tf.ones([1, 2]), { target: 0 });
  const seq = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 2 })] });
  const params: number = summary(seq).totalParams;
  const rows: string[][] = parseCSV('a,b\n1,2');
  const penguins: Penguin[] = loadPenguins();
  const onnx: Promise<OnnxModel> = loadOnnxModel(new Uint8Array());
  const svg: string = toSVGString(
    barChart([{ label: 'a', value: 1 }], { document: await createDocument() }),
  );
  const learn = learnerFromFunction(model, {} as Parameters<typeof learnerFromFunction>[1]);
  const widget = createInterpretationWidget(learn);
  const err = new InterpError('INVALID_ARGUMENT', 'example');
  return [
    info,
    cm,
    interp,
    seg,
    acc,
    attributions.shape,
    byName.attributions.shape,
    params,
    rows,
    penguins.length,
    onnx,
    svg,
    widget,
    err,
    loadMnist,
  ]
    .map(String)
    .join();
}
