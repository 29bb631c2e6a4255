#!/usr/bin/env python3
"""Cross-check of the region-proposal code (issue 17) against its peers.

1. Graph-based segmentation: segment counts of skimage.segmentation.felzenszwalb
   on assets/images/astronaut.png for a few (scale, sigma, min_size) settings,
   and the full label map of a small synthetic image; the Swift tests pin them
   (Tests/ExperimentsTests/RegionProposalsTests.swift,
   Tests/DetectionTests/GraphSegmentationTests.swift).
2. OpenCV's selective search (cv2.ximgproc.segmentation, opencv-contrib):
   proposals and time on a 512 x 512 photo, the peer of `convnotes bench --proposals`.

Development only: pip install scikit-image opencv-contrib-python-headless.
"""
import sys
import time

import numpy as np

ROOT = __file__.rsplit("/scripts/", 1)[0]
SETTINGS = [(100, 0.5, 50), (400, 0.8, 20), (50, 0.8, 50), (300, 1.0, 100)]


def synthetic(width=16, height=12):
    """The synthetic test image: three channels of integer patterns / 255."""
    y, x = np.mgrid[0:height, 0:width]
    r = ((x * 37 + y * 11) % 256) * (x < 8)
    g = ((x * 5 + y * 29) % 256) * (y < 6) + 40
    b = (((x // 4) + (y // 3)) % 2) * 200
    return np.stack([r, g, b], axis=-1).astype(np.uint8)


def main():
    try:
        from skimage import io, segmentation
    except ImportError:
        print("scikit-image not importable: skipping the segmentation counts")
    else:
        felzenszwalb_counts(io, segmentation)
    opencv_selective_search()


def felzenszwalb_counts(io, segmentation):
    image = io.imread(f"{ROOT}/assets/images/astronaut.png")
    print("astronaut", image.shape)
    for scale, sigma, min_size in SETTINGS:
        labels = segmentation.felzenszwalb(image, scale=scale, sigma=sigma, min_size=min_size)
        print(f"felzenszwalb scale={scale} sigma={sigma} min_size={min_size}: {labels.max() + 1} segments")
    crop = image[100:228, 150:278]
    for scale, sigma, min_size in [(100, 0.5, 50), (400, 0.8, 20), (50, 0.8, 10)]:
        labels = segmentation.felzenszwalb(crop, scale=scale, sigma=sigma, min_size=min_size)
        print(f"crop [100:228, 150:278] scale={scale} sigma={sigma} min_size={min_size}: {labels.max() + 1} segments")
    small = synthetic()
    labels = segmentation.felzenszwalb(small, scale=20, sigma=0.5, min_size=4)
    print("synthetic 16x12 scale=20 sigma=0.5 min_size=4:", labels.max() + 1, "segments")
    print("labels:", "".join(chr(ord("a") + v) if v < 26 else chr(ord("A") + v - 26) for v in labels.ravel()))


def opencv_selective_search():
    try:
        import cv2
        seg = cv2.ximgproc.segmentation
    except (ImportError, AttributeError):
        print("opencv-contrib not importable: skipping selective search")
        return
    cv2.setNumThreads(1)
    photo = cv2.imread(f"{ROOT}/assets/images/astronaut.png")
    for strategy in ["fast", "quality"]:
        times = []
        for _ in range(2 if strategy == "fast" else 1):
            ss = seg.createSelectiveSearchSegmentation()
            ss.setBaseImage(photo)
            ss.switchToSelectiveSearchFast() if strategy == "fast" else ss.switchToSelectiveSearchQuality()
            start = time.perf_counter()
            boxes = ss.process()
            times.append(time.perf_counter() - start)
        print(f"opencv selective search {strategy}: {len(boxes)} proposals, {min(times):.3f} s (1 thread)")


if __name__ == "__main__":
    sys.exit(main())
