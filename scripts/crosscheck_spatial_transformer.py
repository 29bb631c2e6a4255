#!/usr/bin/env python3
"""Development cross-check of Sources/Layers/SpatialTransformer against PyTorch (not run by CI).

Builds the small case that Tests/LayersTests/SpatialTransformerTests.swift
pins: input (2, 2, 4, 5) with x[i] = ((7 i) mod 11) / 10 - 0.5, two fixed
affine θ (one rotation + scale + shift, one that reaches outside the image
so zeros padding matters), output size 3 x 4, upstream gradient
g[i] = ((5 i) mod 7) / 7 - 0.4; then affine_grid -> grid_sample (bilinear,
zeros) and the backward of L = Σ out ⊙ g to the input and to θ, for both
align_corners settings. Prints Swift array literals to paste as fixtures.

  pip install /opt/wheels/torch-*.whl
  python3 scripts/crosscheck_spatial_transformer.py
"""
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)  # the reference in double; Swift runs float32
N, C, H, W, HO, WO = 2, 2, 4, 5, 3, 4
x = torch.tensor([((7 * i) % 11) / 10 - 0.5 for i in range(N * C * H * W)]).reshape(N, C, H, W)
theta = torch.tensor([[[0.8, -0.35, 0.1], [0.3, 0.9, -0.15]],
                      [[1.3, 0.2, 0.45], [-0.25, 1.1, 0.6]]])
g = torch.tensor([((5 * i) % 7) / 7 - 0.4 for i in range(N * C * HO * WO)]).reshape(N, C, HO, WO)


def literal(name, t):
    values = ", ".join(f"{v:.7g}" for v in t.flatten().tolist())
    print(f"  static let {name}: [Float] = [{values}]")


for align in [False, True]:
    xs = x.clone().requires_grad_(True)
    th = theta.clone().requires_grad_(True)
    grid = F.affine_grid(th, (N, C, HO, WO), align_corners=align)
    out = F.grid_sample(xs, grid, mode="bilinear", padding_mode="zeros", align_corners=align)
    (out * g).sum().backward()
    tag = "aligned" if align else "unaligned"
    print(f"  // align_corners={align}")
    literal(f"{tag}Grid", grid)
    literal(f"{tag}Output", out)
    literal(f"{tag}InputGradient", xs.grad)
    literal(f"{tag}ThetaGradient", th.grad)
