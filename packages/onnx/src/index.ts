// @interp/onnx: ONNX models executed node by node with tfjs ops (differentiable).
export {};
