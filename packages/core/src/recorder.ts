/** One epoch's summary. */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  validLoss: number;
  metrics: Record<string, number>;
}

/**
 * What training recorded, as fastai's Recorder: per-batch loss and learning rate, per-epoch
 * train/valid loss and metrics.
 */
export class Recorder {
  /** Loss of every training batch, in order. */
  readonly losses: number[] = [];
  /** Learning rate used for every training batch. */
  readonly lrs: number[] = [];
  /** Per-epoch summaries. */
  readonly epochs: EpochRecord[] = [];
  /** Names of the metrics in `epochs[i].metrics`. */
  metricNames: string[] = [];

  recordBatch(loss: number, lr: number): void {
    this.losses.push(loss);
    this.lrs.push(lr);
  }

  recordEpoch(record: EpochRecord): void {
    this.epochs.push(record);
  }

  /** Forgets everything (lrFind does this before restoring weights). */
  reset(): void {
    this.losses.length = 0;
    this.lrs.length = 0;
    this.epochs.length = 0;
  }
}
