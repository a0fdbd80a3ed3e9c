/**
 * Defaults of Captum's LRP rules (`captum.attr._utils.lrp_rules`), written once: EpsilonRule's
 * epsilon 1e-9 (also the stabilizer of GammaRule and Alpha1_Beta0_Rule, Captum's
 * `PropagationRule.STABILITY_FACTOR`), GammaRule's gamma 0.25, biases kept.
 */
export const lrpRuleDefaults = Object.freeze({
  epsilon: 1e-9,
  gamma: 0.25,
  setBiasToZero: false,
} as const);

/**
 * Captum's `EpsilonRule(epsilon)`: relevance R of a node's output goes back as
 * a * dz/da . R / (z + epsilon sign(z)) (sign 0 counted as +1). The default rule of every node
 * with a rule.
 *
 * @example
 * ```ts
 * const lrp = new LRP(model, { rules: { fc2: new EpsilonRule({ epsilon: 0.1 }) } });
 * ```
 */
export class EpsilonRule {
  readonly kind = 'epsilon' as const;
  readonly epsilon: number;
  constructor(options: { epsilon?: number } = {}) {
    this.epsilon = options.epsilon ?? lrpRuleDefaults.epsilon;
  }
}

/**
 * Captum's `GammaRule(gamma, set_bias_to_zero)`: the epsilon rule (epsilon 1e-9) computed with the
 * weights w + gamma max(w, 0), which favours positive contributions; with `setBiasToZero` the
 * bias is 0 too. Like Captum, it changes the weight of a batch norm (its scale) as well.
 *
 * @example
 * ```ts
 * const lrp = new LRP(model, { rules: { 'block.conv1': new GammaRule({ gamma: 0.5 }) } });
 * ```
 */
export class GammaRule {
  readonly kind = 'gamma' as const;
  readonly epsilon = lrpRuleDefaults.epsilon;
  readonly gamma: number;
  readonly setBiasToZero: boolean;
  constructor(options: { gamma?: number; setBiasToZero?: boolean } = {}) {
    this.gamma = options.gamma ?? lrpRuleDefaults.gamma;
    this.setBiasToZero = options.setBiasToZero ?? lrpRuleDefaults.setBiasToZero;
  }
}

/**
 * Captum's `Alpha1_Beta0_Rule(set_bias_to_zero)` (alpha 1, beta 0: deep Taylor): the epsilon rule
 * (epsilon 1e-9) computed with the weights max(w, 0), so only positive relevance flows. As in
 * Captum it clamps a batch norm's scale too, which Captum warns is not meaningful there.
 *
 * @example
 * ```ts
 * const lrp = new LRP(model, { rules: { 'stem.conv': new Alpha1Beta0Rule() } });
 * ```
 */
export class Alpha1Beta0Rule {
  readonly kind = 'alpha1-beta0' as const;
  readonly epsilon = lrpRuleDefaults.epsilon;
  readonly setBiasToZero: boolean;
  constructor(options: { setBiasToZero?: boolean } = {}) {
    this.setBiasToZero = options.setBiasToZero ?? lrpRuleDefaults.setBiasToZero;
  }
}

/**
 * Captum's `IdentityRule`: the relevance of the node's output is handed to its input unchanged
 * (for nodes whose input and output have one shape, e.g. a batch norm). As in Captum this
 * replaces the relevance of that input tensor when the node is the first LRP node reading it.
 *
 * @example
 * ```ts
 * const lrp = new LRP(model, { rules: { 'stem.bn': new IdentityRule() } });
 * ```
 */
export class IdentityRule {
  readonly kind = 'identity' as const;
  readonly epsilon = lrpRuleDefaults.epsilon;
}

/** One of Captum's LRP propagation rules. */
export type LrpRule = EpsilonRule | GammaRule | Alpha1Beta0Rule | IdentityRule;

/** Whether a value is one of the rule classes (a rules map given from plain JS is checked). */
export function isLrpRule(v: unknown): v is LrpRule {
  return (
    v instanceof EpsilonRule ||
    v instanceof GammaRule ||
    v instanceof Alpha1Beta0Rule ||
    v instanceof IdentityRule
  );
}
