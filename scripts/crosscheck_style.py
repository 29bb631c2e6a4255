"""Cross-check of the Gram style loss (Sources/Layers/Losses/StyleLosses.swift)
against PyTorch: value and gradient of ((F F^T / (C*H*W) - A)^2).sum() for
features F of shape (1, C, H, W), CS231n's normalize=True Gram matrix.

F and A are given by closed formulas so that Swift can rebuild them exactly
(no random generator to share); the output is pinned in
Tests/LayersTests/ImageOptimizationTests.swift (styleLossMatchesPyTorch).
Development only: `pip install /opt/wheels/torch-*.whl`, then
`python3 scripts/crosscheck_style.py`.
"""
import math

import torch

C, H, W = 3, 4, 5


def features():
    return torch.tensor(
        [[[[math.sin(1.3 * c + 0.7 * h + 0.31 * w + 0.1) + 0.05 * c for w in range(W)] for h in range(H)] for c in range(C)]],
        dtype=torch.float32,
    )


def target():
    return torch.tensor([[0.02 * (i + 1) * math.cos(0.9 * i - 0.4 * j) for j in range(C)] for i in range(C)], dtype=torch.float32)


def main():
    f = features().requires_grad_(True)
    a = target()
    flat = f.reshape(C, H * W)
    gram = flat @ flat.t() / (C * H * W)
    loss = ((gram - a) ** 2).sum()
    loss.backward()
    print(f"torch {torch.__version__}")
    print(f"value {loss.item():.9g}")
    g = f.grad.reshape(-1)
    for i in [0, 7, 19, 23, 41, 59]:
        print(f"grad[{i}] {g[i].item():.9g}")
    print(f"grad.sum {g.sum().item():.9g}")
    print(f"grad.abs.sum {g.abs().sum().item():.9g}")


if __name__ == "__main__":
    main()
