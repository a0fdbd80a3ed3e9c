/** See random-external-data.mjs. */
export declare function modelWithRandomWeights(modelPath: string, seed?: number): Promise<string>;
