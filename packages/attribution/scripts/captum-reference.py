"""Captum reference cases for @interp/attribution: small seeded PyTorch models exported to ONNX, and
Captum 0.8.0's attributions on them in float64, written to ../test-fixtures/captum/ as JSON.

The tests never need Python: they read the committed .onnx and .json files. To regenerate them:

    git clone --depth 1 --branch v0.8.0 https://github.com/pytorch/captum /tmp/captum
    PYTHONPATH=/tmp/captum /usr/bin/python3 packages/attribution/scripts/captum-reference.py

(Debian's python3 with torch 1.13 and onnx 1.12; CPU only; deterministic: same files every run.)

Models (weights seeded; ONNX opset 13, exported from the float32 model with BatchNormalization kept,
every node named by its module scope, e.g. /block/conv1/Conv -> module path `block.conv1`):
- rescnn.onnx: [N, 3, 8, 8] -> stem (conv3x3 3->4, BN, ReLU) -> maxpool 2x2 -> residual block
  (conv-BN-ReLU-conv-BN, identity add as its own module, ReLU) -> global avg pool -> flatten ->
  linear 4->3. BN running statistics are non-trivial.
- mlp.onnx: [N, 6] -> fc1 (6->5) -> act1 (Tanh) -> fc2 (5->3), logits.
- mlp-softmax.onnx: [N, 6] -> fc1 (6->5) -> act1 (Sigmoid) -> fc2 (5->3) -> softmax (Softmax):
  probabilities, for DeepLift's rescale rule on Sigmoid and Softmax (no LRP cases: Captum's LRP
  has no rule for either).
- toy/*.onnx: Captum's unit-test toy models (BasicModel_MultiLayer, ReLULinearModel,
  ReLUDeepLiftModel, TanhDeepLiftModel, SimpleLRPModel) with their fixed weights, rewritten with
  one input tensor, on the inputs Captum's tests use: their analytic numbers (IG 390, DeepLift
  [2, 1], LRP [18, 36, 54]) come out as Captum's tests assert.

Inputs and baselines are multiples of 1/64 (perturbations of infidelity and sensitivity_max:
1/1024) so float32 and float64 hold them exactly; Captum runs on model.double(). Every value in a
case file is float64 rounded to 1e-9.

Case file format (one file per model, <model>.json):
    { "model": "rescnn.onnx", "captum": "0.8.0", "torch": "...", "logits": T, "inputs": T,
      "cases": [ { "name", "method" (Captum class or function), "kind" (primary | layer | neuron
                   | metric), "layer"? (module path), "node"? (the ONNX node computing the
                   layer's output), "constructor": {...}, "attribute": {...},
                   "expected": T, "delta"?: T, "draws"?: {...}, "note"?: "..." } ] }
T = { "shape": [...], "values": [... row-major] }. "constructor" and "attribute" hold Captum's own
keyword arguments (snake_case, as Captum spells them); a tensor-valued argument is a T; the
attribute call's inputs are the file's "inputs" unless the case has its own "inputs".
"""
import json
import os

import numpy as np
import onnx
import torch
from torch import nn

import captum
from captum.attr import (
    LRP,
    Deconvolution,
    DeepLift,
    DeepLiftShap,
    FeatureAblation,
    FeaturePermutation,
    GradientShap,
    GuidedBackprop,
    GuidedGradCam,
    InputXGradient,
    IntegratedGradients,
    InternalInfluence,
    KernelShap,
    LayerActivation,
    LayerConductance,
    LayerDeepLift,
    LayerDeepLiftShap,
    LayerFeatureAblation,
    LayerGradCam,
    LayerGradientShap,
    LayerGradientXActivation,
    LayerIntegratedGradients,
    LayerLRP,
    Lime,
    NeuronConductance,
    NeuronDeconvolution,
    NeuronDeepLift,
    NeuronFeatureAblation,
    NeuronGradient,
    NeuronGradientShap,
    NeuronGuidedBackprop,
    NeuronIntegratedGradients,
    NoiseTunnel,
    Occlusion,
    Saliency,
    ShapleyValues,
    ShapleyValueSampling,
)
from captum.attr._utils.lrp_rules import Alpha1_Beta0_Rule, EpsilonRule, GammaRule, IdentityRule
from captum.metrics import infidelity, sensitivity_max

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test-fixtures", "captum")


# ---------------------------------------------------------------------------------------------- models


class ConvBnRelu(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.bn = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.bn(self.conv(x)))


class Add(nn.Module):
    """The residual sum as a module, so it has a node name (/block/add/Add) and LRP a rule slot."""

    def forward(self, a, b):
        return a + b


class ResidualBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(c)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(c, c, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(c)
        self.add = Add()
        self.relu2 = nn.ReLU()

    def forward(self, x):
        y = self.bn2(self.conv2(self.relu1(self.bn1(self.conv1(x)))))
        return self.relu2(self.add(y, x))


class ResCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = ConvBnRelu(3, 4)
        self.pool = nn.MaxPool2d(2)
        self.block = ResidualBlock(4)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        x = self.gap(self.block(self.pool(self.stem(x))))
        # torch.flatten, not nn.Flatten: Captum's LRP refuses modules it has no rule for.
        return self.fc(torch.flatten(x, 1))


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 5)
        self.act1 = nn.Tanh()
        self.fc2 = nn.Linear(5, 3)

    def forward(self, x):
        return self.fc2(self.act1(self.fc1(x)))


class MlpSoftmax(nn.Module):
    """Sigmoid inside and a Softmax output: DeepLift's rescale rule on both nonlinearities."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 5)
        self.act1 = nn.Sigmoid()
        self.fc2 = nn.Linear(5, 3)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        return self.softmax(self.fc2(self.act1(self.fc1(x))))


# Captum's unit-test toy models (captum/testing/helpers/basic_models.py), rewritten with one input
# tensor (ours take one) and the same fixed weights, so Captum's analytic cases carry over.


class ToyMultiLayer(nn.Module):
    """BasicModel_MultiLayer: identity linear0, linear1 = ones with bias [-10, 1, 1, 1], ReLU,
    linear2 = ones with bias [-1, 1]."""

    def __init__(self):
        super().__init__()
        self.linear0 = nn.Linear(3, 3)
        self.linear1 = nn.Linear(3, 4)
        self.relu = nn.ReLU()
        self.linear2 = nn.Linear(4, 2)
        with torch.no_grad():
            self.linear0.weight.copy_(torch.eye(3))
            self.linear0.bias.zero_()
            self.linear1.weight.fill_(1.0)
            self.linear1.bias.copy_(torch.tensor([-10.0, 1.0, 1.0, 1.0]))
            self.linear2.weight.fill_(1.0)
            self.linear2.bias.copy_(torch.tensor([-1.0, 1.0]))

    def forward(self, x):
        return self.linear2(self.relu(self.linear1(self.linear0(x))))


class ToyReluLinear(nn.Module):
    """ReLULinearModel on x = [x1, x2] (3 + 3 features): l3(relu([l1(x1), l2(x2)]))."""

    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(3, 1, bias=False)
        self.l2 = nn.Linear(3, 1, bias=False)
        self.relu = nn.ReLU()
        self.l3 = nn.Linear(2, 1, bias=False)
        with torch.no_grad():
            self.l1.weight.copy_(torch.tensor([[3.0, 1.0, 0.0]]))
            self.l2.weight.copy_(torch.tensor([[2.0, 3.0, 0.0]]))
            self.l3.weight.copy_(torch.tensor([[1.0, 1.0]]))

    def forward(self, x):
        return self.l3(self.relu(torch.cat([self.l1(x[:, :3]), self.l2(x[:, 3:])], dim=1)))


class ToyDeepLift(nn.Module):
    """ReLUDeepLiftModel / TanhDeepLiftModel on x = [x1, x2]: 2 act1(x1) + 2 act2(x2 - 1.5)."""

    def __init__(self, activation):
        super().__init__()
        self.act1 = activation()
        self.act2 = activation()

    def forward(self, x):
        return 2 * self.act1(x[:, :1]) + 2 * self.act2(x[:, 1:] - 1.5)


class ToySimpleLrp(nn.Module):
    """SimpleLRPModel: linear (3 -> 3, all 2) -> ReLU -> linear2 (3 -> 1, all 3) (its dropout is
    the identity in eval mode and left out)."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(3, 3, bias=False)
        self.relu = nn.ReLU()
        self.linear2 = nn.Linear(3, 1, bias=False)
        with torch.no_grad():
            self.linear.weight.fill_(2.0)
            self.linear2.weight.fill_(3.0)

    def forward(self, x):
        return self.linear2(self.relu(self.linear(x)))


def randomize_batch_norms(model):
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)


def exact(shape, seed, scale=1.0, grid=64):
    """Seeded normal values on a 1/grid grid (exact in float32 and float64), their own stream so
    adding a case never changes another case's numbers."""
    g = torch.Generator().manual_seed(seed)
    return torch.round(torch.randn(*shape, generator=g, dtype=torch.float64) * scale * grid) / grid


def seed_all(seed):
    torch.manual_seed(seed)
    np.random.seed(seed)


def export(model, example, name):
    path = os.path.join(OUT, name)
    model.eval()
    torch.onnx.export(
        model,
        example.float(),
        path,
        opset_version=13,
        input_names=["input"],
        output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
        training=torch.onnx.TrainingMode.PRESERVE,
        do_constant_folding=False,
    )
    onnx.checker.check_model(path)
    return [n.name for n in onnx.load(path).graph.node]


# ---------------------------------------------------------------------------------------------- JSON


def r9(x):
    return round(float(x), 9) + 0.0  # + 0.0: no "-0.0" in the files


def tensor_json(t):
    t = torch.as_tensor(t).detach().to(torch.float64)
    return {"shape": list(t.shape), "values": [r9(v) for v in t.reshape(-1).tolist()]}


def jsonable(v):
    if isinstance(v, torch.Tensor):
        return tensor_json(v)
    if isinstance(v, tuple):
        return list(v)
    if isinstance(v, dict):
        return {k: jsonable(w) for k, w in v.items()}
    return v


def module_path(node_name):
    """`/block/relu2/Relu` -> `block.relu2` (as @interp/onnx's modulePathOf reads torch's scopes)."""
    scopes = node_name.split("/")[1:-1]
    path, previous = "", ""
    for scope in scopes:
        if previous and scope.startswith(previous + "."):
            path += scope[len(previous):]
        else:
            path = f"{path}.{scope}" if path else scope
        previous = scope
    return path


class Recorder:
    def __init__(self, model, x, model_file):
        self.model = model
        self.x = x
        self.nodes = [n.name for n in onnx.load(os.path.join(OUT, model_file)).graph.node]
        self.file = {
            "model": model_file,
            "captum": captum.__version__,
            "torch": torch.__version__,
            "inputs": tensor_json(x),
            "logits": tensor_json(model(x)),
            "cases": [],
        }

    def add(self, name, method, kind, constructor, attribute, result, **extra):
        delta = None
        if isinstance(result, tuple):
            result, delta = result
        case = {
            "name": name,
            "method": method,
            "kind": kind,
            **(self.layer_fields(extra.pop("layer")) if "layer" in extra else {}),
            "constructor": jsonable(constructor),
            "attribute": jsonable(attribute),
            "expected": tensor_json(result),
        }
        if delta is not None:
            case["delta"] = tensor_json(delta)
        for k, v in extra.items():
            case[k] = jsonable(v)
        assert torch.isfinite(torch.as_tensor(result)).all(), name
        self.file["cases"].append(case)
        return result

    def layer_fields(self, layer):
        """The module path and the ONNX node whose output is the module's output (its last node)."""
        nodes = [n for n in self.nodes if module_path(n) == layer]
        assert nodes, f"no ONNX node for module {layer}"
        return {"layer": layer, "node": nodes[-1]}

    def write(self, name):
        path = os.path.join(OUT, name)
        with open(path, "w") as f:
            json.dump(self.file, f, separators=(",", ":"))
            f.write("\n")
        print(name, len(self.file["cases"]), "cases", os.path.getsize(path), "bytes")


# ---------------------------------------------------------------------------------------------- draws


class Draws:
    """Records what the patched random functions return while active, i.e. the exact random numbers
    a Captum call used (so the TS tests replay them instead of matching torch's or numpy's RNG)."""

    def __init__(self, *targets):
        self.targets = targets  # (owner, attribute name, key)
        self.got = {}

    def __enter__(self):
        self.saved = []
        for owner, attr, key in self.targets:
            original = getattr(owner, attr)
            self.saved.append((owner, attr, original))

            def wrapped(*args, _original=original, _key=key, **kwargs):
                result = _original(*args, **kwargs)
                self.got.setdefault(_key, []).append(result)
                return result

            setattr(owner, attr, wrapped)
        return self

    def __exit__(self, *exc):
        for owner, attr, original in self.saved:
            setattr(owner, attr, original)


def gradient_shap_draws():
    return Draws(
        (torch, "normal", "noise"),
        (np.random, "choice", "baseline_indices"),
        (np.random, "uniform", "alphas"),
    )


def shap_draws_json(d, seed):
    (noise,) = d.got["noise"]
    (indices,) = d.got["baseline_indices"]
    (alphas,) = d.got["alphas"]
    return {
        "seed": seed,
        "noise": noise,
        "baseline_indices": [int(i) for i in indices],
        "alphas": [r9(a) for a in alphas],
    }


GRADIENT_SHAP_DRAWS_NOTE = (
    "Random: draws holds the exact numbers Captum used. Row r = item * n_samples + sample "
    "(repeat_interleave order) of the expanded batch: noisy input x_r = inputs[item] + noise[r], "
    "baseline b_r = baselines[baseline_indices[r]], point = alphas[r] * x_r + (1 - alphas[r]) * b_r; "
    "attribution[item] = mean over its samples of (x_r - b_r) * d target / d point (neuron methods: "
    "d neuron / d point; layer methods: (layer(x_r) - layer(b_r)) * d target / d layer at point). "
    "The script replays the draws by this formula and checks it against Captum's output to 1e-12."
)


def replay_gradient_shap(model, x, baselines, target, draws, n):
    """GradientShap from recorded draws, by the formula in GRADIENT_SHAP_DRAWS_NOTE."""
    (noise,) = draws.got["noise"]
    idx = torch.tensor(draws.got["baseline_indices"][0])
    alpha = torch.tensor(draws.got["alphas"][0], dtype=x.dtype).view(-1, *[1] * (x.dim() - 1))
    xr = x.repeat_interleave(n, 0) + noise
    b = baselines[idx]
    point = (alpha * xr + (1 - alpha) * b).requires_grad_()
    t = torch.tensor(target).repeat_interleave(n)
    out = model(point)[torch.arange(point.shape[0]), t].sum()
    (grad,) = torch.autograd.grad(out, point)
    return ((xr - b) * grad).view(x.shape[0], n, *x.shape[1:]).mean(1)


def layer_outputs(model, layer, x):
    """model(x) and the layer's output on x (kept in the graph)."""
    got = []
    handle = layer.register_forward_hook(lambda _m, _i, out: got.append(out))
    try:
        out = model(x)
    finally:
        handle.remove()
    return out, got[0]


def replay_layer_gradient_shap(model, layer, x, baselines, target, draws, n, neuron=None):
    """LayerGradientShap (neuron None) or NeuronGradientShap from recorded draws."""
    (noise,) = draws.got["noise"]
    idx = torch.tensor(draws.got["baseline_indices"][0])
    alpha = torch.tensor(draws.got["alphas"][0], dtype=x.dtype).view(-1, *[1] * (x.dim() - 1))
    xr = x.repeat_interleave(n, 0) + noise
    b = baselines[idx]
    point = (alpha * xr + (1 - alpha) * b).requires_grad_()
    out, hidden = layer_outputs(model, layer, point)
    if neuron is not None:
        (grad,) = torch.autograd.grad(hidden[(slice(None),) + tuple(neuron)].sum(), point)
        attr = (xr - b) * grad
        return attr.view(x.shape[0], n, *x.shape[1:]).mean(1)
    t = torch.tensor(target).repeat_interleave(n)
    (grad,) = torch.autograd.grad(out[torch.arange(point.shape[0]), t].sum(), hidden)
    with torch.no_grad():
        diff = layer_outputs(model, layer, xr)[1] - layer_outputs(model, layer, b)[1]
    attr = diff * grad
    return attr.view(x.shape[0], n, *attr.shape[1:]).mean(1)


# ---------------------------------------------------------------------------------------------- cases


def gradient_cases(rec, model, x, target, baselines3):
    a = {"target": target}
    rec.add("saliency", "Saliency", "primary", {}, a, Saliency(model).attribute(x, **a))
    a2 = {"target": target, "abs": False}
    rec.add("saliency-signed", "Saliency", "primary", {}, a2, Saliency(model).attribute(x, **a2))
    rec.add("input-x-gradient", "InputXGradient", "primary", {}, a, InputXGradient(model).attribute(x, **a))
    rec.add("guided-backprop", "GuidedBackprop", "primary", {}, a, GuidedBackprop(model).attribute(x, **a))
    rec.add("deconvolution", "Deconvolution", "primary", {}, a, Deconvolution(model).attribute(x, **a))

    a = {"target": target, "return_convergence_delta": True}
    ig = rec.add("ig", "IntegratedGradients", "primary", {}, a, IntegratedGradients(model).attribute(x, **a))
    baselines = exact(x.shape, 101, 0.5)
    a = {
        "target": target,
        "baselines": baselines,
        "n_steps": 20,
        "method": "riemann_trapezoid",
        "return_convergence_delta": True,
    }
    result = IntegratedGradients(model).attribute(x, **a)
    rec.add("ig-trapezoid", "IntegratedGradients", "primary", {}, a, result)

    a = {"target": target, "return_convergence_delta": True}
    rec.add("deeplift", "DeepLift", "primary", {}, a, DeepLift(model).attribute(x, **a))
    c = {"multiply_by_inputs": False}
    a = {"target": target, "baselines": baselines}
    rec.add("deeplift-local", "DeepLift", "primary", c, a, DeepLift(model, **c).attribute(x, **a))
    a = {"target": target, "baselines": baselines, "return_convergence_delta": True}
    rec.add("deeplift-baselines", "DeepLift", "primary", {}, a, DeepLift(model).attribute(x, **a))
    a = {"target": target, "baselines": baselines3, "return_convergence_delta": True}
    rec.add("deeplift-shap", "DeepLiftShap", "primary", {}, a, DeepLiftShap(model).attribute(x, **a))

    n = 5
    a = {"target": target, "baselines": baselines3, "n_samples": n, "stdevs": 0.09}
    seed = 11
    seed_all(seed)
    with gradient_shap_draws() as d:
        result = GradientShap(model).attribute(x, **a)
    replayed = replay_gradient_shap(model, x, baselines3, target, d, n)
    assert torch.allclose(result, replayed, atol=1e-12), "GradientShap replay differs from Captum"
    rec.add(
        "gradient-shap", "GradientShap", "primary", {}, a, result,
        draws=shap_draws_json(d, seed), note=GRADIENT_SHAP_DRAWS_NOTE,
    )

    # The expectation check: with stdevs 0 and one baseline, GradientShap's expectation over the
    # uniform alpha is IntegratedGradients' integral; Captum's own sample mean is within the spread.
    b1 = baselines[:1]
    a_ig = {"target": target, "baselines": b1, "n_steps": 50}
    expectation = IntegratedGradients(model).attribute(x, **a_ig)
    n_big = 400
    a = {"target": target, "baselines": b1, "n_samples": n_big, "stdevs": 0.0}
    errors = []
    for s in range(5):
        seed_all(200 + s)
        errors.append((GradientShap(model).attribute(x, **a) - expectation).abs().max().item())
    scale = expectation.abs().max().item()
    rec.add(
        "gradient-shap-expectation", "GradientShap", "primary", {}, a, expectation,
        captum_sampling_error={"max_abs": r9(max(errors)), "relative_to_max": r9(max(errors) / scale)},
        note="Random: expected is IntegratedGradients(baselines=b, n_steps=50), GradientShap's "
        "expectation. Captum's own GradientShap with these arguments (5 seeds) was off by at most "
        "captum_sampling_error.max_abs; compare a seeded run with a tolerance of that order.",
    )
    return ig


def noise_tunnel_cases(rec, model, x, target):
    """NoiseTunnel around Saliency and IG, with the Gaussian noise Captum drew recorded."""
    n = 4
    for name, inner, nt_type, inner_kwargs in (
        ("noise-tunnel-saliency", Saliency, "smoothgrad", {}),
        ("noise-tunnel-ig-sq", IntegratedGradients, "smoothgrad_sq", {"n_steps": 20}),
        ("noise-tunnel-saliency-vargrad", Saliency, "vargrad", {"abs": False}),
    ):
        a = {"target": target, "nt_type": nt_type, "nt_samples": n, "stdevs": 0.2, **inner_kwargs}
        seed = 15
        seed_all(seed)
        with Draws((torch, "normal", "noise")) as d:
            result = NoiseTunnel(inner(model)).attribute(x, **a)
        (noise,) = d.got["noise"]
        # Replay: the inner method on every noisy copy, then the nt_type's statistic per item.
        noisy = x.repeat_interleave(n, 0) + noise
        targets = torch.tensor(target).repeat_interleave(n)
        per_sample = inner(model).attribute(noisy, target=targets, **inner_kwargs)
        per_sample = per_sample.view(x.shape[0], n, *x.shape[1:])
        replayed = {
            "smoothgrad": per_sample.mean(1),
            "smoothgrad_sq": (per_sample**2).mean(1),
            "vargrad": (per_sample**2).mean(1) - per_sample.mean(1) ** 2,
        }[nt_type]
        assert torch.allclose(result, replayed, atol=1e-12), f"{name} replay differs from Captum"
        rec.add(
            name, "NoiseTunnel", "primary", {"attribution_method": inner.__name__}, a, result,
            draws={"seed": seed, "noise": noise},
            note="Random: draws.noise is the Gaussian noise Captum drew; row r = item * nt_samples + "
            "sample is inputs[item] + noise[r]. smoothgrad = mean of the inner method's attributions "
            "over an item's rows, smoothgrad_sq = mean of their squares, vargrad = mean of squares - "
            "square of mean (checked against Captum to 1e-12 in the script). Other keyword arguments "
            "go to the inner method.",
        )


def perturbation_cases(rec, model, x, target, feature_mask, window, strides):
    a = {"target": target}
    rec.add("feature-ablation", "FeatureAblation", "primary", {}, a, FeatureAblation(model).attribute(x, **a))
    a = {"target": target, "baselines": 0.25, "feature_mask": feature_mask}
    result = FeatureAblation(model).attribute(x, **a)
    rec.add("feature-ablation-mask", "FeatureAblation", "primary", {}, a, result)

    a = {"target": target, "sliding_window_shapes": window, "strides": strides}
    rec.add("occlusion", "Occlusion", "primary", {}, a, Occlusion(model).attribute(x, **a))
    a = {**a, "baselines": 0.5}
    rec.add("occlusion-baseline", "Occlusion", "primary", {}, a, Occlusion(model).attribute(x, **a))

    # FeaturePermutation needs a batch: 4 items, and a fixed permutation instead of torch.randperm.
    x4 = exact((4,) + tuple(x.shape[1:]), 102)
    perm = [2, 0, 3, 1]

    def fixed_permutation(batch, mask):
        return batch[perm] * mask.to(batch.dtype) + batch * mask.bitwise_not().to(batch.dtype)

    target4 = target + target
    note = (
        "constructor perm_func replaced by a fixed permutation: every permuted feature of row i "
        "is taken from row perm[i] (perm recorded); Captum's default draws torch.randperm."
    )
    c = {"perm": perm}
    for name, a in (
        ("feature-permutation", {"target": target4}),
        ("feature-permutation-mask", {"target": target4, "feature_mask": feature_mask}),
    ):
        fp = FeaturePermutation(model, perm_func=fixed_permutation)
        rec.add(name, "FeaturePermutation", "primary", c, a, fp.attribute(x4, **a), inputs=x4, note=note)


def shapley_cases(rec, model, x, target, feature_mask, n_samples):
    a = {"target": target, "feature_mask": feature_mask}
    rec.add("shapley-values", "ShapleyValues", "primary", {}, a, ShapleyValues(model).attribute(x, **a))

    a = {"target": target, "feature_mask": feature_mask, "n_samples": n_samples}
    seed_all(12)
    svs = ShapleyValueSampling(model)
    permutations = []
    generator = svs.permutation_generator

    def recording(num_features, num_samples):
        for p in generator(num_features, num_samples):
            permutations.append([int(i) for i in p])
            yield p

    svs.permutation_generator = recording
    rec.add(
        "shapley-sampling", "ShapleyValueSampling", "primary", {}, a, svs.attribute(x, **a),
        draws={"seed": 12, "permutations": permutations},
        note="Random: draws.permutations are the feature orders Captum drew (torch.randperm), "
        "used in turn for every item; replay them.",
    )


def lrp_cases(rec, model, x, target, layer, layer_name, set_rules=lambda: None):
    note = (
        "Captum's default rules: EpsilonRule (epsilon 1e-9) on Linear, Conv2d, BatchNorm2d, "
        "MaxPool2d, AdaptiveAvgPool2d and the residual Add module (set explicitly: torch's "
        "functional + has no module); ReLU and Tanh pass relevance through unchanged. LayerLRP "
        "uses a layer with a rule: Captum fails on a ReLU/Tanh layer (its rule is None)."
    )
    a = {"target": target, "return_convergence_delta": True}
    # Captum deletes every rule after a call, the explicit ones too: set them before each.
    set_rules()
    rec.add("lrp", "LRP", "primary", {}, a, LRP(model).attribute(x, **a), note=note)
    set_rules()
    rec.add(
        "layer-lrp", "LayerLRP", "layer", {}, a, LayerLRP(model, layer).attribute(x, **a),
        layer=layer_name, note=note,
    )


RULES = {
    "EpsilonRule": EpsilonRule,
    "GammaRule": GammaRule,
    "Alpha1_Beta0_Rule": Alpha1_Beta0_Rule,
    "IdentityRule": IdentityRule,
}


def lrp_rules_case(rec, model, x, target, name, rules, always=lambda: None, layer=None, to_input=False):
    """LRP (or LayerLRP on module path `layer`, at its input with `to_input`) with explicit rules
    per module path: {"fc1": {"rule": "GammaRule", "gamma": 0.25}}."""

    def set_rules():
        always()
        for path, spec in rules.items():
            kwargs = {k: v for k, v in spec.items() if k != "rule"}
            model.get_submodule(path).rule = RULES[spec["rule"]](**kwargs)

    set_rules()
    a = {"target": target, "return_convergence_delta": True}
    note = (
        "constructor.rules: the rule Captum's LRP used on each module path (set as module.rule, "
        "keyword arguments beside the rule's class name); other modules: defaults."
    )
    if layer is None:
        rec.add(name, "LRP", "primary", {"rules": rules}, a, LRP(model).attribute(x, **a), note=note)
        return
    if to_input:
        a["attribute_to_layer_input"] = True
    method = LayerLRP(model, model.get_submodule(layer))
    rec.add(name, "LayerLRP", "layer", {"rules": rules}, a, method.attribute(x, **a), layer=layer, note=note)


def lrp_more_cases(rec, model, x, target, layers, rules, always=lambda: None):
    """LayerLRP at more layers (`(case name, module path, at its input)`), and one case of rules
    that change biases (set_bias_to_zero) and a batch norm's weight."""
    for name, layer, to_input in layers:
        lrp_rules_case(rec, model, x, target, name, {}, always, layer, to_input)
    lrp_rules_case(rec, model, x, target, "lrp-bias-to-zero", rules, always)


def layer_cases(rec, model, x, target, layer, layer_name, baselines3):
    def add(name, cls, a, c=None, **extra):
        method = cls(model, layer, **(c or {}))
        rec.add(name, cls.__name__, "layer", c or {}, a, method.attribute(x, **a), layer=layer_name, **extra)

    add("layer-activation", LayerActivation, {})
    add("layer-gradient-x-activation", LayerGradientXActivation, {"target": target})
    add("layer-ig", LayerIntegratedGradients, {"target": target, "return_convergence_delta": True})
    add("layer-conductance", LayerConductance, {"target": target, "return_convergence_delta": True})
    add("internal-influence", InternalInfluence, {"target": target})
    add("layer-deeplift", LayerDeepLift, {"target": target, "return_convergence_delta": True})
    add("layer-deeplift-shap", LayerDeepLiftShap, {"target": target, "baselines": baselines3})
    add("layer-feature-ablation", LayerFeatureAblation, {"target": target})

    n = 5
    a = {"target": target, "baselines": baselines3, "n_samples": n, "stdevs": 0.09}
    seed = 13
    seed_all(seed)
    with gradient_shap_draws() as d:
        result = LayerGradientShap(model, layer).attribute(x, **a)
    replayed = replay_layer_gradient_shap(model, layer, x, baselines3, target, d, n)
    assert torch.allclose(result, replayed, atol=1e-12), "LayerGradientShap replay differs from Captum"
    rec.add(
        "layer-gradient-shap", "LayerGradientShap", "layer", {}, a, result, layer=layer_name,
        draws=shap_draws_json(d, seed), note=GRADIENT_SHAP_DRAWS_NOTE,
    )


def neuron_cases(rec, model, x, target, layer, layer_name, neuron, baselines3):
    def add(name, cls, a, **extra):
        a = {"neuron_selector": neuron, **a}
        result = cls(model, layer).attribute(x, **a)
        rec.add(name, cls.__name__, "neuron", {}, a, result, layer=layer_name, **extra)

    add("neuron-gradient", NeuronGradient, {})
    add("neuron-ig", NeuronIntegratedGradients, {})
    add("neuron-conductance", NeuronConductance, {"target": target})
    add("neuron-deeplift", NeuronDeepLift, {})
    add("neuron-guided-backprop", NeuronGuidedBackprop, {})
    add("neuron-deconvolution", NeuronDeconvolution, {})
    add("neuron-feature-ablation", NeuronFeatureAblation, {})

    n = 5
    a = {"neuron_selector": neuron, "baselines": baselines3, "n_samples": n, "stdevs": 0.09}
    seed = 14
    seed_all(seed)
    with gradient_shap_draws() as d:
        result = NeuronGradientShap(model, layer).attribute(x, **a)
    replayed = replay_layer_gradient_shap(model, layer, x, baselines3, target, d, n, neuron)
    assert torch.allclose(result, replayed, atol=1e-12), "NeuronGradientShap replay differs from Captum"
    rec.add(
        "neuron-gradient-shap", "NeuronGradientShap", "neuron", {}, a, result, layer=layer_name,
        draws=shap_draws_json(d, seed), note=GRADIENT_SHAP_DRAWS_NOTE,
    )


def metric_cases(rec, model, x, target, attributions):
    n = 10
    shape = (x.shape[0] * n,) + tuple(x.shape[1:])
    perturbations = exact(shape, 103, 0.1, grid=1024)

    def perturb(inputs):
        assert inputs.shape == perturbations.shape
        return perturbations, inputs - perturbations

    note = (
        "perturb_func is deterministic: row r = item * n_perturb_samples + sample gets the "
        "perturbation draws.perturbations[r] and the perturbed input inputs[item] - perturbations[r]; "
        "attributions (a T) are the 'ig' case's."
    )
    for normalize in (False, True):
        a = {"target": target, "attributions": attributions, "n_perturb_samples": n, "normalize": normalize}
        value = infidelity(
            model, perturb, x, attributions, target=target, n_perturb_samples=n, normalize=normalize
        )
        rec.add(
            "infidelity-normalized" if normalize else "infidelity", "infidelity", "metric", {}, a, value,
            draws={"perturbations": perturbations}, note=note,
        )

    radius = 0.02
    uniform = torch.rand(shape, generator=torch.Generator().manual_seed(104), dtype=torch.float64)
    noise = torch.round((uniform * 2 - 1) * radius * 1024) / 1024

    def perturb_in_ball(inputs, perturb_radius):
        assert inputs.shape == noise.shape and perturb_radius == radius
        return inputs + noise

    a = {"target": target, "perturb_radius": radius, "n_perturb_samples": n}
    value = sensitivity_max(Saliency(model).attribute, x, perturb_func=perturb_in_ball, **a)
    rec.add(
        "sensitivity-max", "sensitivity_max", "metric", {"explanation_func": "Saliency.attribute"}, a, value,
        draws={"perturbations": noise},
        note="explanation_func is Saliency(model).attribute (abs=True); perturb_func is deterministic: "
        "row r = item * n_perturb_samples + sample is inputs[item] + perturbations[r] (uniform in "
        "the radius on a 1/1024 grid, like Captum's default_perturb_func); norm_ord 'fro'.",
    )


def lime_kernel_shap_cases(rec, model, x, target, feature_mask=None, n_samples=2000, suffix=""):
    """Random and not replayable (torch's RNG inside Captum's samplers and fits): expected is the
    exact Shapley value, the limit KernelShap converges to; Captum's own spread is recorded."""
    masked = {} if feature_mask is None else {"feature_mask": feature_mask}
    exact_shapley = ShapleyValues(model).attribute(x, target=target, **masked)
    scale = exact_shapley.abs().max().item()
    for cls, name in ((KernelShap, "kernel-shap" + suffix), (Lime, "lime" + suffix)):
        a = {"target": target, "n_samples": n_samples, **masked}
        runs = []
        for s in range(5):
            seed_all(300 + s)
            runs.append(cls(model).attribute(x, **a))
        runs = torch.stack(runs)
        err = (runs - exact_shapley).abs().max().item()
        mean = runs.mean(0)
        rec.add(
            name, cls.__name__, "primary", {}, a,
            exact_shapley if cls is KernelShap else mean,
            exact_shapley=exact_shapley,
            captum_runs={"seeds": 5, "mean": mean, "max_abs_from_exact_shapley": r9(err),
                         "relative_to_max": r9(err / scale),
                         "max_abs_spread": r9((runs - mean).abs().max().item())},
            note=(
                "Random: expected is the exact Shapley value (ShapleyValues, baselines 0), what "
                "KernelShap converges to; captum_runs shows how far Captum's own runs land."
                if cls is KernelShap
                else "Random: expected is the mean of 5 Captum runs (default interpretable model "
                "SkLearnLasso(alpha=0.01), exponential kernel on the cosine distance with width 1, "
                "Bernoulli(0.5) feature samples); a Lasso fit does not converge to Shapley values, so "
                "compare against the mean within a few captum_runs.max_abs_spread."
            ),
        )


# ---------------------------------------------------------------------------------------------- main


def main():
    os.makedirs(OUT, exist_ok=True)

    seed_all(0)
    cnn = ResCnn()
    randomize_batch_norms(cnn)
    cnn.eval()
    x_cnn = exact((2, 3, 8, 8), 1)
    names = export(cnn, x_cnn, "rescnn.onnx")
    assert "/block/conv1/Conv" in names and "/block/add/Add" in names, names
    cnn = cnn.double()
    rec = Recorder(cnn, x_cnn, "rescnn.onnx")
    target = [0, 2]
    baselines3 = exact((3, 3, 8, 8), 2, 0.5)
    # 2 x 2 patches shared by the 3 channels: 16 features, broadcast over channels and batch.
    patches = ((torch.arange(8).view(8, 1) // 2) * 4 + torch.arange(8).view(1, 8) // 2).view(1, 1, 8, 8)
    quadrants = ((torch.arange(8).view(8, 1) // 4) * 2 + torch.arange(8).view(1, 8) // 4).view(1, 1, 8, 8)
    ig = gradient_cases(rec, cnn, x_cnn, target, baselines3)
    noise_tunnel_cases(rec, cnn, x_cnn, target)
    perturbation_cases(rec, cnn, x_cnn, target, patches, (3, 2, 2), (3, 1, 1))
    shapley_cases(rec, cnn, x_cnn, target, quadrants, 3)
    lime_kernel_shap_cases(rec, cnn, x_cnn, target, quadrants, 500, "-mask")

    # Class 2 is the only class whose Grad-CAM is positive somewhere on both items (the others are
    # negative everywhere, so their ReLU'd maps and GuidedGradCam would be all zeros).
    a = {"target": 2}
    rec.add(
        "guided-gradcam", "GuidedGradCam", "primary", {}, a,
        GuidedGradCam(cnn, cnn.block.relu2).attribute(x_cnn, **a), layer="block.relu2",
        note="GuidedGradCam on the residual block's output (block.relu2), nearest upsampling.",
    )
    for name, a in (
        ("layer-gradcam", {"target": target}),
        ("layer-gradcam-relu", {"target": 2, "relu_attributions": True}),
    ):
        method = LayerGradCam(cnn, cnn.block.relu2)
        rec.add(name, "LayerGradCam", "layer", {}, a, method.attribute(x_cnn, **a), layer="block.relu2")
    layer_cases(rec, cnn, x_cnn, target, cnn.block.relu2, "block.relu2", baselines3)
    a = {"target": target, "return_convergence_delta": True}
    rec.add(
        "layer-ig-stem-conv", "LayerIntegratedGradients", "layer", {}, a,
        LayerIntegratedGradients(cnn, cnn.stem.conv).attribute(x_cnn, **a), layer="stem.conv",
    )
    neuron_cases(rec, cnn, x_cnn, target, cnn.block.relu2, "block.relu2", (2, 1, 2), baselines3)

    def add_rule():
        cnn.block.add.rule = EpsilonRule()

    lrp_cases(rec, cnn, x_cnn, target, cnn.block.conv2, "block.conv2", add_rule)
    # One rule family per case: all of them together blow relevances up to ~7 (defaults: ~0.03).
    lrp_rules_case(
        rec, cnn, x_cnn, target, "lrp-gamma-identity-epsilon",
        {
            "stem.bn": {"rule": "IdentityRule"},
            "block.conv1": {"rule": "GammaRule", "gamma": 0.25},
            "block.conv2": {"rule": "GammaRule", "gamma": 0.5},
            "fc": {"rule": "EpsilonRule", "epsilon": 0.01},
        },
        add_rule,
    )
    alpha_beta = {"stem.conv": {"rule": "Alpha1_Beta0_Rule"}}
    lrp_rules_case(rec, cnn, x_cnn, target, "lrp-alpha-beta", alpha_beta, add_rule)
    # The residual block: its input feeds conv1 and the add (one relevance, both paths summed);
    # the add's summands are bn2's output and that input. Captum 0.8 raises on
    # attribute_to_layer_input at the add module itself (the input hook is conv1's, not the add's).
    lrp_more_cases(
        rec, cnn, x_cnn, target,
        (
            ("layer-lrp-input-conv1", "block.conv1", True),
            ("layer-lrp-add", "block.add", False),
            ("layer-lrp-bn2", "block.bn2", False),
            ("layer-lrp-input-fc", "fc", True),
            ("layer-lrp-input-stem-conv", "stem.conv", True),
            ("layer-lrp-pool", "pool", False),
        ),
        {
            "stem.conv": {"rule": "GammaRule", "gamma": 0.25, "set_bias_to_zero": True},
            "stem.bn": {"rule": "GammaRule", "gamma": 0.5},
            "fc": {"rule": "Alpha1_Beta0_Rule", "set_bias_to_zero": True},
        },
        add_rule,
    )
    lrp_rules_case(
        rec, cnn, x_cnn, target, "layer-lrp-gamma-input-conv2",
        {"block.conv1": {"rule": "GammaRule", "gamma": 0.25}, "block.conv2": {"rule": "GammaRule"}},
        add_rule, "block.conv2", True,
    )
    metric_cases(rec, cnn, x_cnn, target, ig)
    rec.write("rescnn.json")

    seed_all(0)
    mlp = Mlp()
    mlp.eval()
    x_mlp = exact((2, 6), 3)
    names = export(mlp, x_mlp, "mlp.onnx")
    assert "/fc1/Gemm" in names, names
    mlp = mlp.double()
    rec = Recorder(mlp, x_mlp, "mlp.onnx")
    target = [1, 0]
    baselines3 = exact((3, 6), 4, 0.5)
    groups = torch.tensor([[0, 0, 1, 1, 2, 2]])
    ig = gradient_cases(rec, mlp, x_mlp, target, baselines3)
    noise_tunnel_cases(rec, mlp, x_mlp, target)
    perturbation_cases(rec, mlp, x_mlp, target, groups, (2,), (1,))
    shapley_cases(rec, mlp, x_mlp, target, None, 4)
    lime_kernel_shap_cases(rec, mlp, x_mlp, target)
    layer_cases(rec, mlp, x_mlp, target, mlp.act1, "act1", baselines3)
    neuron_cases(rec, mlp, x_mlp, target, mlp.act1, "act1", (2,), baselines3)
    lrp_cases(rec, mlp, x_mlp, target, mlp.fc1, "fc1")
    lrp_rules_case(
        rec, mlp, x_mlp, target, "lrp-gamma-epsilon",
        {"fc1": {"rule": "GammaRule", "gamma": 0.25}, "fc2": {"rule": "EpsilonRule", "epsilon": 0.1}},
    )
    lrp_rules_case(rec, mlp, x_mlp, target, "lrp-alpha-beta", {"fc1": {"rule": "Alpha1_Beta0_Rule"}})
    lrp_more_cases(
        rec, mlp, x_mlp, target,
        (("layer-lrp-input-fc2", "fc2", True), ("layer-lrp-input-fc1", "fc1", True)),
        {
            "fc1": {"rule": "GammaRule", "gamma": 1.0, "set_bias_to_zero": True},
            "fc2": {"rule": "Alpha1_Beta0_Rule", "set_bias_to_zero": True},
        },
    )
    metric_cases(rec, mlp, x_mlp, target, ig)
    rec.write("mlp.json")

    seed_all(1)
    mlp = MlpSoftmax()
    mlp.eval()
    x_mlp = exact((2, 6), 5)
    names = export(mlp, x_mlp, "mlp-softmax.onnx")
    assert "/softmax/Softmax" in names, names
    mlp = mlp.double()
    rec = Recorder(mlp, x_mlp, "mlp-softmax.onnx")
    target = [2, 1]
    baselines3 = exact((3, 6), 6, 0.5)
    gradient_cases(rec, mlp, x_mlp, target, baselines3)
    layer_cases(rec, mlp, x_mlp, target, mlp.act1, "act1", baselines3)
    neuron_cases(rec, mlp, x_mlp, target, mlp.act1, "act1", (3,), baselines3)
    softmax_batch_cases(rec, mlp, x_mlp, target, baselines3)
    # Captum's LRP refuses Sigmoid and Softmax modules by default, and accepts them with a rule.
    eps = {"rule": "EpsilonRule"}
    lrp_rules_case(rec, mlp, x_mlp, target, "lrp-explicit-rules", {"act1": eps, "softmax": eps})
    rec.write("mlp-softmax.json")

    toy_models(os.path.join(OUT, "toy"))
    toy_simple_lrp_rules(os.path.join(OUT, "toy"))
    toy_avgpool_cnn()


SOFTMAX_NOTE = (
    "Captum's DeepLift rule at nn.Softmax is elementwise rescale u = grad_out * delta_out / delta_in "
    "(grad_in where |delta_in| < 1e-10) minus sum(u) / numel(u), the sum and numel taken over the "
    "whole [inputs; baselines] batch that DeepLift runs (2N x C), so with a softmax an item's "
    "attributions depend on the other items in the batch: the batched cases ('deeplift', "
    "'layer-deeplift', ...) differ from these, where every item was attributed alone (batch of 1) "
    "and the results stacked."
)


def softmax_batch_cases(rec, model, x, target, baselines3):
    """DeepLift on the softmax model one item at a time (see SOFTMAX_NOTE)."""

    def per_item(make, **kwargs):
        parts = [make().attribute(x[i : i + 1], target=target[i], **kwargs) for i in range(x.shape[0])]
        if isinstance(parts[0], tuple):
            return torch.cat([p[0] for p in parts]), torch.cat([p[1] for p in parts])
        return torch.cat(parts)

    a = {"target": target, "return_convergence_delta": True}
    extra = {"batch_of_one": True, "note": SOFTMAX_NOTE}
    result = per_item(lambda: DeepLift(model), return_convergence_delta=True)
    rec.add("deeplift-single-items", "DeepLift", "primary", {}, a, result, **extra)
    result = per_item(lambda: LayerDeepLift(model, model.act1), return_convergence_delta=True)
    rec.add("layer-deeplift-single-items", "LayerDeepLift", "layer", {}, a, result, layer="act1", **extra)
    a = {"target": target, "baselines": baselines3}
    result = per_item(lambda: DeepLiftShap(model), baselines=baselines3)
    rec.add("deeplift-shap-single-items", "DeepLiftShap", "primary", {}, a, result, **extra)


def toy_models(out):
    """Captum's unit-test toy models with the inputs its tests use (where they fit one tensor)."""
    os.makedirs(out, exist_ok=True)

    def record(model, name, x, cases):
        model.eval()
        names = export(model, x, os.path.join("toy", f"{name}.onnx"))
        assert names, name
        model = model.double()
        rec = Recorder(model, x, f"toy/{name}.onnx")
        for case_name, cls, kind, layer, a, *c in cases:
            c = c[0] if c else {}
            method = cls(model, **c) if layer is None else cls(model, getattr(model, layer), **c)
            extra = {} if layer is None else {"layer": layer}
            rec.add(case_name, cls.__name__, kind, c, a, method.attribute(x, **a), **extra)
        rec.write(os.path.join("toy", f"{name}.json"))

    t = {"target": 0}
    delta = {"target": 0, "return_convergence_delta": True}
    record(
        ToyMultiLayer(),
        "multilayer",
        torch.tensor([[0.0, 100.0, 0.0], [20.0, 50.0, 30.0]], dtype=torch.float64),
        [
            ("saliency", Saliency, "primary", None, t),
            ("ig", IntegratedGradients, "primary", None, delta),
            ("deeplift", DeepLift, "primary", None, delta),
            ("lrp", LRP, "primary", None, delta),
            ("feature-ablation", FeatureAblation, "primary", None, t),
            ("shapley-values", ShapleyValues, "primary", None, t),
            ("layer-conductance-linear0", LayerConductance, "layer", "linear0", delta),
            ("layer-conductance-linear1", LayerConductance, "layer", "linear1", delta),
            ("layer-ig-linear1", LayerIntegratedGradients, "layer", "linear1", delta),
            ("internal-influence-linear1", InternalInfluence, "layer", "linear1", t),
            ("layer-activation-relu", LayerActivation, "layer", "relu", {}),
            ("layer-gxa-linear1", LayerGradientXActivation, "layer", "linear1", t),
            ("layer-deeplift-relu", LayerDeepLift, "layer", "relu", delta),
            ("layer-feature-ablation-relu", LayerFeatureAblation, "layer", "relu", t),
            ("neuron-gradient-linear1", NeuronGradient, "neuron", "linear1", {"neuron_selector": (1,)}),
            ("neuron-ig-linear1", NeuronIntegratedGradients, "neuron", "linear1", {"neuron_selector": (1,)}),
            (
                "neuron-conductance-linear1", NeuronConductance, "neuron", "linear1",
                {"neuron_selector": (1,), "target": 0},
            ),
            ("neuron-deeplift-relu", NeuronDeepLift, "neuron", "relu", {"neuron_selector": (1,)}),
        ],
    )
    record(
        ToyReluLinear(), "relu-linear",
        torch.tensor(
            [[-10.0, 1.0, -5.0, 3.0, 3.0, 1.0], [1.0, 2.0, 3.0, -1.0, 0.5, 2.0]], dtype=torch.float64
        ),
        [
            ("deeplift", DeepLift, "primary", None, delta),
            ("deeplift-local", DeepLift, "primary", None, t, {"multiply_by_inputs": False}),
            ("ig", IntegratedGradients, "primary", None, delta),
            ("guided-backprop", GuidedBackprop, "primary", None, t),
            ("lrp", LRP, "primary", None, delta),
        ],
    )
    for act, name in ((nn.ReLU, "relu-deeplift"), (nn.Tanh, "tanh-deeplift")):
        b3 = torch.tensor([[0.0, 0.0], [-1.0, 0.5], [0.5, 2.0]], dtype=torch.float64)
        record(
            ToyDeepLift(act), name, torch.tensor([[1.0, 2.0], [-0.5, 3.0]], dtype=torch.float64),
            [
                ("deeplift", DeepLift, "primary", None, delta),
                ("deeplift-shap", DeepLiftShap, "primary", None, {"target": 0, "baselines": b3}),
                ("ig", IntegratedGradients, "primary", None, delta),
            ],
        )
    record(
        ToySimpleLrp(), "simple-lrp", torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]], dtype=torch.float64),
        [
            ("lrp", LRP, "primary", None, delta),
            ("layer-lrp-linear", LayerLRP, "layer", "linear", delta),
            ("layer-lrp-linear2", LayerLRP, "layer", "linear2", delta),
        ],
    )


def toy_simple_lrp_rules(out):
    """Captum's test_lrp.py rule tests: SimpleLRPModel with linear.weight[0][0] = -2 on [1, 2, 3]
    (its asserted values: GammaRule(gamma=1) then GammaRule() [28/3, 104/3, 52]; Alpha1_Beta0_Rule
    on both [12, 33.6, 50.4]; IdentityRule then EpsilonRule [24, 36, 36]), and test_layer_lrp.py's
    LayerLRP(linear2) at its input equal to LayerLRP(linear) at its output."""
    model = ToySimpleLrp()
    with torch.no_grad():
        model.linear.weight[0][0] = -2.0
    model.eval()
    x = torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]], dtype=torch.float64)
    names = export(model, x, os.path.join("toy", "simple-lrp-neg.onnx"))
    assert names
    model = model.double()
    rec = Recorder(model, x, "toy/simple-lrp-neg.onnx")
    t = 0
    lrp_rules_case(rec, model, x, t, "lrp", {})
    lrp_rules_case(
        rec, model, x, t, "lrp-gamma",
        {"linear": {"rule": "GammaRule", "gamma": 1.0}, "linear2": {"rule": "GammaRule"}},
    )
    both = {"rule": "Alpha1_Beta0_Rule"}
    lrp_rules_case(rec, model, x, t, "lrp-alpha-beta", {"linear": both, "linear2": both})
    lrp_rules_case(
        rec, model, x, t, "lrp-identity",
        {"linear": {"rule": "IdentityRule"}, "linear2": {"rule": "EpsilonRule"}},
    )
    lrp_rules_case(rec, model, x, t, "layer-lrp-input-linear2", {}, layer="linear2", to_input=True)
    lrp_rules_case(rec, model, x, t, "layer-lrp-linear", {}, layer="linear")
    rec.write(os.path.join("toy", "simple-lrp-neg.json"))


class AvgPoolCnn(nn.Module):
    """conv (1 -> 2, 3x3, pad 1) -> ReLU -> AvgPool2d(2) -> Dropout -> flatten -> linear 8 -> 2."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3, padding=1)
        self.relu = nn.ReLU()
        self.pool = nn.AvgPool2d(2)
        self.drop = nn.Dropout(0.5)
        self.fc = nn.Linear(8, 2)

    def forward(self, x):
        return self.fc(torch.flatten(self.drop(self.pool(self.relu(self.conv(x)))), 1))


def toy_avgpool_cnn():
    """LRP through an average pool and a dropout (Captum's EpsilonRule and pass-through)."""
    seed_all(2)
    model = AvgPoolCnn()
    model.eval()
    x = exact((2, 1, 4, 4), 7)
    names = export(model, x, os.path.join("toy", "avgpool-cnn.onnx"))
    assert any("AveragePool" in n for n in names), names
    model = model.double()
    rec = Recorder(model, x, "toy/avgpool-cnn.onnx")
    t = [1, 0]
    lrp_rules_case(rec, model, x, t, "lrp", {})
    lrp_rules_case(
        rec, model, x, t, "lrp-gamma-alpha-beta",
        {"conv": {"rule": "GammaRule"}, "fc": {"rule": "Alpha1_Beta0_Rule"}},
    )
    lrp_rules_case(rec, model, x, t, "layer-lrp-pool", {}, layer="pool")
    lrp_rules_case(rec, model, x, t, "layer-lrp-input-pool", {}, layer="pool", to_input=True)
    rec.write(os.path.join("toy", "avgpool-cnn.json"))


if __name__ == "__main__":
    main()
