export type { MnistData } from './mnist.js';
export {
  loadMnist,
  MNIST_SEGMENTATION_VOCAB,
  MNIST_SIZE,
  mnistSegmentationMasks,
  mnistSplit,
} from './mnist.js';
export type { Penguin } from './penguins.js';
export { loadPenguins } from './penguins.js';
