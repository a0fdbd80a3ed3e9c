// Runs the LRP and LayerLRP cases Captum 0.8 recorded (test-fixtures/captum) through our classes.
import type { ModelGraph } from '@interp/core';
import type * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import {
  Alpha1Beta0Rule,
  EpsilonRule,
  GammaRule,
  IdentityRule,
  type LrpRule,
} from './internal/lrp-rule.js';
import { LayerLRP } from './layer-lrp.js';
import { LRP } from './lrp.js';
import { type CaptumCase, type CaptumTensor, expectCloseToCaptum } from './test-captum-cases.js';

/** A rule from the case file's `{ rule: 'GammaRule', gamma: 0.5 }` (Captum's keyword arguments). */
export function ruleFromSpec(spec: Record<string, unknown>): LrpRule {
  switch (spec.rule) {
    case 'EpsilonRule':
      return new EpsilonRule({ epsilon: spec.epsilon as number | undefined });
    case 'GammaRule':
      return new GammaRule({
        gamma: spec.gamma as number | undefined,
        setBiasToZero: spec.set_bias_to_zero as boolean | undefined,
      });
    case 'Alpha1_Beta0_Rule':
      return new Alpha1Beta0Rule({ setBiasToZero: spec.set_bias_to_zero as boolean | undefined });
    case 'IdentityRule':
      return new IdentityRule();
    default:
      throw new Error(`unknown rule ${String(spec.rule)}`);
  }
}

/** The rules map of a case (`constructor.rules`), or none. */
export function caseRules(c: CaptumCase): Record<string, LrpRule> | undefined {
  const specs = c.constructor.rules as Record<string, Record<string, unknown>> | undefined;
  if (specs === undefined) return undefined;
  return Object.fromEntries(Object.entries(specs).map(([k, v]) => [k, ruleFromSpec(v)]));
}

/** Runs an LRP or LayerLRP case on its model; the caller disposes the result. */
export async function runLrpCase(
  graph: ModelGraph,
  x: tf.Tensor,
  c: CaptumCase,
): Promise<{ attributions: tf.Tensor; delta: tf.Tensor1D }> {
  const rules = caseRules(c);
  const target = c.attribute.target as number | number[];
  if (c.method === 'LRP') {
    return new LRP(graph, { rules }).attribute(x, { target, returnConvergenceDelta: true });
  }
  const layer = new LayerLRP(graph, {
    layer: c.layer!,
    rules,
    attributeToLayerInput: c.attribute.attribute_to_layer_input === true,
  });
  return layer.attribute(x, { target, returnConvergenceDelta: true });
}

/** Attributions within 2e-3 of Captum's largest value; deltas on the same scale. */
export async function expectLrpCase(
  result: { attributions: tf.Tensor; delta: tf.Tensor },
  expected: CaptumTensor,
  delta: CaptumTensor | undefined,
): Promise<void> {
  await expectCloseToCaptum(result.attributions, expected);
  if (delta === undefined) return;
  const scale = Math.max(...expected.values.map(Math.abs));
  const d = await result.delta.data();
  expect(d.length).toBe(delta.values.length);
  for (let i = 0; i < d.length; i++) {
    expect(Math.abs(d[i]! - delta.values[i]!)).toBeLessThan(2e-3 * scale + 1e-5);
  }
}
