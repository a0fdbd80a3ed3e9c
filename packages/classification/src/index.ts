// Metric functions (tfjs-free; also available alone from '@interp/classification/metrics').
export * from './metrics.js';
