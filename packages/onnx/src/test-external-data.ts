// Test helper: the committed ResNet-18 / MobileNetV2 graphs keep their weights in an external data
// file that is not committed; scripts/random-external-data.mjs writes one with seeded random
// weights into a temp folder (the benchmark uses the same script).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelWithRandomWeights as fill } from '../scripts/random-external-data.mjs';

/** Folder of the committed test models. */
export const TEST_MODELS = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-models');

/** `test-models/<name>` copied to a temp folder beside seeded random external weights. */
export function modelWithRandomWeights(name: string, seed = 0): Promise<string> {
  return fill(join(TEST_MODELS, name), seed);
}
