import { type Batch, type DataLoader, InterpError } from '@interp/core';

/** The first batch of a loader (the caller disposes x and y). */
export async function firstBatch(dl: DataLoader, what: string): Promise<Batch> {
  for await (const batch of dl) return batch;
  throw new InterpError(
    'EMPTY_INPUT',
    `${what}: the data loader yielded no batches; check that it has items`,
  );
}
