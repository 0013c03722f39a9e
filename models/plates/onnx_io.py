"""Export helpers: ONNX writing, checking against torch (via OpenCV's DNN runtime), timing."""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time

import cv2
import numpy as np
import onnx
from onnx import numpy_helper
import torch


def export(module: torch.nn.Module, example: torch.Tensor, path: str, input_name: str, output_names,
           dynamic_batch: bool) -> None:
    module.eval()
    axes = {input_name: {0: "n"}, **{o: {0: "n"} for o in output_names}} if dynamic_batch else None
    torch.onnx.export(module, example, path, opset_version=17, input_names=[input_name],
                      output_names=list(output_names), dynamic_axes=axes, do_constant_folding=True)
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)


def run_cv2(path: str, x: np.ndarray, output_names) -> list[np.ndarray] | None:
    """Run the ONNX file with OpenCV DNN (an independent runtime); None if it can't load it."""
    try:
        net = cv2.dnn.readNetFromONNX(path)
        net.setInput(x)
        return list(net.forward(list(output_names)))
    except cv2.error as e:  # pragma: no cover - depends on the OpenCV build
        print("opencv-dnn could not run", path, str(e).splitlines()[-1][:200])
        return None


REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ORT_NODE = """
const ort = require('onnxruntime-node');
const fs = require('node:fs');
const [model, input, shapeJson, inputName, outDir, ...names] = process.argv.slice(1);
const shape = JSON.parse(shapeJson);
const buf = fs.readFileSync(input);
const data = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
ort.InferenceSession.create(model).then(async (s) => {
  const out = await s.run({ [inputName]: new ort.Tensor('float32', data, shape) });
  for (const n of names) fs.writeFileSync(outDir + '/' + n + '.f32', Buffer.from(out[n].data.buffer));
  fs.writeFileSync(outDir + '/dims.json', JSON.stringify(Object.fromEntries(names.map((n) => [n, out[n].dims]))));
});
"""


def run_ort_node(path: str, x: np.ndarray, input_name: str, output_names) -> list[np.ndarray] | None:
    """Run the ONNX file with onnxruntime-node, the runtime the app ships (None without Node or
    the repository's node_modules)."""
    node = os.path.join(REPO, "node_modules", ".bin", "node")
    if not os.path.exists(os.path.join(REPO, "node_modules", "onnxruntime-node")):
        return None
    with tempfile.TemporaryDirectory() as d:
        x.astype("<f4").tofile(os.path.join(d, "x.f32"))
        subprocess.run([node if os.path.exists(node) else "node", "-e", ORT_NODE, path, os.path.join(d, "x.f32"),
                        json.dumps(list(x.shape)), input_name, d, *output_names], check=True, cwd=REPO)
        with open(os.path.join(d, "dims.json")) as f:
            dims = json.load(f)
        return [np.fromfile(os.path.join(d, f"{n}.f32"), "<f4").reshape(dims[n]) for n in output_names]


def torch_ms(module, x: torch.Tensor, threads: int = 2, reps: int = 20) -> float:
    """Median torch CPU latency in ms (a proxy; onnxruntime is usually several times faster)."""
    old = torch.get_num_threads()
    torch.set_num_threads(threads)
    ts = []
    with torch.no_grad():
        for i in range(reps + 3):
            t = time.perf_counter()
            module(x)
            if i >= 3:
                ts.append((time.perf_counter() - t) * 1000)
    torch.set_num_threads(old)
    return float(np.median(ts))


def cv2_ms(path: str, x: np.ndarray, output_names, reps: int = 20) -> float | None:
    try:
        net = cv2.dnn.readNetFromONNX(path)
    except cv2.error:
        return None
    ts = []
    try:
        for i in range(reps + 3):
            t = time.perf_counter()
            net.setInput(x)
            net.forward(list(output_names))
            if i >= 3:
                ts.append((time.perf_counter() - t) * 1000)
    except cv2.error:
        return None
    return float(np.median(ts))


def inline_identities(path: str) -> None:
    """Replace Identity nodes that merely alias an initializer (torch dedups equal tensors) with
    a copy of the initializer: smaller graphs and OpenCV DNN cannot load such Identity nodes."""
    m = onnx.load(path)
    inits = {i.name: i for i in m.graph.initializer}
    keep = []
    for n in m.graph.node:
        if n.op_type == "Identity" and n.input[0] in inits:
            t = onnx.TensorProto()
            t.CopyFrom(inits[n.input[0]])
            t.name = n.output[0]
            m.graph.initializer.append(t)
        else:
            keep.append(n)
    del m.graph.node[:]
    m.graph.node.extend(keep)
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, path)


def store_fp16(path: str, min_size: int = 256) -> None:
    """Keep the larger float32 weights as float16 in the file, each turned back into float32 by a
    Cast node that runtimes fold at load (onnxruntime's constant folding): half the download,
    the same graph and speed.  The fused conv weights are not exact in fp16 (BatchNorm folded
    in), so callers check the outputs against torch with a tolerance that fp16 weights meet."""
    m = onnx.load(path)
    casts, keep = [], []
    for init in m.graph.initializer:
        a = numpy_helper.to_array(init)
        if a.dtype != np.float32 or a.size < min_size:
            keep.append(init)
            continue
        half = numpy_helper.from_array(a.astype(np.float16), init.name + "_fp16")
        keep.append(half)
        casts.append(onnx.helper.make_node("Cast", [half.name], [init.name], to=onnx.TensorProto.FLOAT,
                                           name=init.name + "_cast"))
    del m.graph.initializer[:]
    m.graph.initializer.extend(keep)
    nodes = list(m.graph.node)
    del m.graph.node[:]
    m.graph.node.extend(casts + nodes)
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, path)
