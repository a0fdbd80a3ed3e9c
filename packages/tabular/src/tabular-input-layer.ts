import { InterpError } from '@interp/core/base';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Configuration of the {@link tabularInputLayer}. */
export interface TabularInputConfig {
  /** Levels of each categorical column (codes 0..n-1, `#na#` included), in encoded order. */
  cardinalities: number[];
  /** Embedding width per categorical column, or null for one-hot. */
  embeddingSizes: number[] | null;
  /** Number of continuous columns after the categorical ones. */
  nCont: number;
  /** Seed of the embedding initializer. */
  seed?: number | null;
  /** Layer name. */
  name?: string;
}

/**
 * Reads an encoded table row `[codes..., continuous...]` and outputs the concatenation of each
 * categorical column's embedding (or one-hot vector) and the continuous values. Embeddings are a
 * one-hot times a weight matrix, so their gradients need no gather backprop (which tfjs's WASM
 * backend lacks). Codes outside a column's levels are read as 0 (`#na#`).
 */
class TabularInput extends tfl.layers.Layer {
  static className = 'InterpTabularInput';
  private readonly cardinalities: number[];
  private readonly embeddingSizes: number[] | null;
  private readonly nCont: number;
  private readonly seed: number | null;
  private embeddings: tfl.LayerVariable[] = [];

  constructor(config: TabularInputConfig) {
    super(config.name === undefined ? {} : { name: config.name });
    this.cardinalities = [...config.cardinalities];
    this.embeddingSizes = config.embeddingSizes ? [...config.embeddingSizes] : null;
    this.nCont = config.nCont;
    this.seed = config.seed ?? null;
  }

  override build(): void {
    if (this.embeddingSizes) {
      this.embeddings = this.cardinalities.map((card, j) =>
        this.addWeight(
          `embedding_${j}`,
          [card, this.embeddingSizes![j]!],
          'float32',
          // fastai initializes embeddings with a truncated normal of std 0.01. tfjs reads a
          // seed of 0 as "no seed", hence the offset.
          tfl.initializers.truncatedNormal({
            stddev: 0.01,
            ...(this.seed === null ? {} : { seed: this.seed + 1 + j }),
          }),
        ),
      );
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const cat = this.embeddingSizes ?? this.cardinalities;
    return [shape[0] ?? null, cat.reduce((a, b) => a + b, 0) + this.nCont];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const nCat = this.cardinalities.length;
      const parts: tf.Tensor[] = [];
      this.cardinalities.forEach((card, j) => {
        const codes = tf.cast(tf.reshape(tf.slice(x, [0, j], [-1, 1]), [-1]), 'int32');
        const inRange = tf.logicalAnd(tf.greaterEqual(codes, 0), tf.less(codes, card));
        const safe = tf.where(inRange, codes, tf.zerosLike(codes));
        const hot = tf.cast(tf.oneHot(safe, card), 'float32');
        parts.push(this.embeddingSizes ? tf.matMul(hot, this.embeddings[j]!.read()) : hot);
      });
      if (this.nCont > 0) parts.push(tf.slice(x, [0, nCat], [-1, this.nCont]));
      return parts.length === 1 ? parts[0]! : tf.concat(parts, 1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      cardinalities: this.cardinalities,
      embeddingSizes: this.embeddingSizes,
      nCont: this.nCont,
      seed: this.seed,
    };
  }
}

let registered = false;

/**
 * Registers interp's tabular layers with tfjs's serialization, so a saved tabular model
 * loads with `tf.loadLayersModel`. {@link tabularInputLayer} calls it for you.
 *
 * @example
 * ```ts
 * registerTabularLayers();
 * const model = await tf.loadLayersModel('file://model/model.json');
 * ```
 */
export function registerTabularLayers(): void {
  if (registered) return;
  tf.serialization.registerClass(TabularInput);
  registered = true;
}

/**
 * The input layer of a tabular model: embeddings (or one-hot vectors) of the categorical codes,
 * concatenated with the continuous columns.
 *
 * @example
 * ```ts
 * const input = tf.input({ shape: [6] });
 * const h = tabularInputLayer({ cardinalities: [4, 3], embeddingSizes: [3, 2], nCont: 4 }).apply(input);
 * ```
 */
export function tabularInputLayer(config: TabularInputConfig): tfl.layers.Layer {
  const { cardinalities, embeddingSizes, nCont } = config ?? {};
  if (!Array.isArray(cardinalities) || !cardinalities.every((c) => Number.isInteger(c) && c >= 1)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      'tabularInputLayer: cardinalities must be an array of positive integers (levels per categorical column)',
    );
  }
  if (
    embeddingSizes !== null &&
    (!Array.isArray(embeddingSizes) ||
      embeddingSizes.length !== cardinalities.length ||
      !embeddingSizes.every((c) => Number.isInteger(c) && c >= 1))
  ) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `tabularInputLayer: embeddingSizes must be null (one-hot) or ${cardinalities.length} positive integers`,
    );
  }
  if (!Number.isInteger(nCont) || nCont < 0 || cardinalities.length + nCont === 0) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      'tabularInputLayer: nCont must be an integer >= 0, and the layer needs at least one column',
    );
  }
  registerTabularLayers();
  return new TabularInput(config);
}
