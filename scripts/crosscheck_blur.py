"""Cross-check of GaussianBlur (Sources/Layers/ImageOptimization/GaussianBlur.swift)
against scipy.ndimage.gaussian_filter1d along both axes (what CS231n's
blur_image does), mode "reflect", truncate 4. The input is a closed formula;
the output is pinned in Tests/LayersTests/ImageOptimizationTests.swift
(blurMatchesScipy). Development only: `python3 scripts/crosscheck_blur.py`.
"""
import math

import numpy as np
import scipy
from scipy.ndimage import gaussian_filter1d

H, W = 5, 6


def image():
    return np.array([[math.cos(0.8 * h * h + 0.45 * w) + 0.1 * w for w in range(W)] for h in range(H)], dtype=np.float64)


def main():
    print(f"scipy {scipy.__version__}")
    for sigma in [0.5, 1.0]:
        out = gaussian_filter1d(gaussian_filter1d(image(), sigma, axis=1), sigma, axis=0)
        flat = out.reshape(-1)
        print(f"sigma {sigma}: " + ", ".join(f"[{i}] {flat[i]:.7f}" for i in [0, 5, 13, 29]))


if __name__ == "__main__":
    main()
