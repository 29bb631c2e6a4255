#!/usr/bin/env python3
"""Cross-check `convnotes eval-detections` against the Python peers.

Development tool, not part of the product or of CI: it needs pycocotools
(`pip install pycocotools`). It generates COCO-format ground truth and
detection files with the awkward cases (crowd boxes, empty images, a class
without detections, a class without ground truth, score ties, areas on the
size boundaries, detections of unknown categories, `difficult` flags),
scores them with pycocotools' COCOeval and with py-faster-rcnn's voc_eval
logic (re-typed below, with a stable sort for score ties), runs convnotes on
the same files, and prints the largest difference.

  python3 scripts/crosscheck_detections.py --convnotes .build/release/convnotes \
      --out Tests/DetectionTests/Fixtures --seed 1
"""
import argparse, contextlib, io, json, os, random, subprocess, sys
import numpy as np


def generate(seed, images=60, categories=5, jitter=0.08):
    rng = random.Random(seed)
    cats = [{"id": c + 1, "name": f"class-{c + 1}"} for c in range(categories)]
    imgs, anns, dets = [], [], []
    ann_id = 1
    for i in range(images):
        image_id = 1000 + i * 7  # not contiguous, not sorted in the file below
        imgs.append({"id": image_id, "width": 640, "height": 480})
        if i % 13 == 5:
            continue  # an image with neither objects nor detections
        n_obj = 0 if i % 11 == 3 else rng.randint(1, 8)  # some images without objects
        for _ in range(n_obj):
            cat = rng.randint(1, categories - 1)  # the last class never has ground truth
            s = rng.choice([8, 20, 32, 40, 64, 96, 120, 200])
            w = max(1, round(s * rng.uniform(0.6, 1.4), 1))
            h = max(1, round(s * rng.uniform(0.6, 1.4), 1))
            x = round(rng.uniform(0, 640 - w), 1)
            y = round(rng.uniform(0, 480 - h), 1)
            crowd = 1 if rng.random() < 0.07 else 0
            difficult = 1 if rng.random() < 0.08 else 0
            area = w * h
            if rng.random() < 0.1:
                area = rng.choice([32 * 32, 96 * 96])  # exactly on a size boundary
            anns.append({"id": ann_id, "image_id": image_id, "category_id": cat,
                         "bbox": [x, y, w, h], "area": area, "iscrowd": crowd,
                         "difficult": difficult})
            ann_id += 1
            # detections near the object
            for _ in range(rng.randint(0, 3)):
                if cat == 2 and rng.random() < 0.9:
                    continue  # class 2 gets almost no detections
                jx, jy = rng.gauss(0, w * jitter), rng.gauss(0, h * jitter)
                dw, dh = w * rng.uniform(1 - 2 * jitter, 1 + 2 * jitter), h * rng.uniform(1 - 2 * jitter, 1 + 2 * jitter)
                dets.append({"image_id": image_id, "category_id": cat,
                             "bbox": [round(x + jx, 2), round(y + jy, 2), round(dw, 2), round(dh, 2)],
                             "score": round(rng.random(), 1)})  # one decimal: many ties
        for _ in range(rng.randint(0, 4)):  # background false positives
            w, h = rng.uniform(5, 150), rng.uniform(5, 150)
            dets.append({"image_id": image_id, "category_id": rng.randint(1, categories),
                         "bbox": [round(rng.uniform(0, 500), 2), round(rng.uniform(0, 400), 2), round(w, 2), round(h, 2)],
                         "score": round(rng.random(), 2)})
    # an exact duplicate of a ground truth (IoU exactly 1) and exact-threshold overlaps
    if anns:
        a = anns[0]
        dets.append({"image_id": a["image_id"], "category_id": a["category_id"], "bbox": list(a["bbox"]), "score": 0.5})
    # a detection of a category the ground truth does not list (ignored by both)
    dets.append({"image_id": imgs[0]["id"], "category_id": 99, "bbox": [1, 1, 10, 10], "score": 0.99})
    rng.shuffle(imgs)
    gt = {"images": imgs, "annotations": anns, "categories": cats}
    return gt, dets


def voc_ap(rec, prec, use_07_metric):
    if use_07_metric:
        ap = 0.0
        for t in np.arange(0.0, 1.1, 0.1):
            p = 0 if np.sum(rec >= t) == 0 else np.max(prec[rec >= t])
            ap = ap + p / 11.0
        return ap
    mrec = np.concatenate(([0.0], rec, [1.0]))
    mpre = np.concatenate(([0.0], prec, [0.0]))
    for i in range(mpre.size - 1, 0, -1):
        mpre[i - 1] = np.maximum(mpre[i - 1], mpre[i])
    i = np.where(mrec[1:] != mrec[:-1])[0]
    return np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1])


def voc_eval(gt, dets, category, use_07_metric, ovthresh=0.5):
    """py-faster-rcnn voc_eval on COCO-format input; difficult = difficult or iscrowd."""
    class_recs, npos = {}, 0
    for img in gt["images"]:
        R = [a for a in gt["annotations"] if a["image_id"] == img["id"] and a["category_id"] == category]
        bbox = np.array([[a["bbox"][0], a["bbox"][1], a["bbox"][0] + a["bbox"][2] - 1, a["bbox"][1] + a["bbox"][3] - 1] for a in R])
        difficult = np.array([bool(a.get("difficult", 0) or a.get("iscrowd", 0)) for a in R]).astype(bool)
        npos += int(sum(~difficult)) if len(R) else 0
        class_recs[img["id"]] = {"bbox": bbox, "difficult": difficult, "det": [False] * len(R)}
    mine = [d for d in dets if d["category_id"] == category]
    if npos == 0:
        return None
    confidence = np.array([d["score"] for d in mine])
    BB = np.array([[d["bbox"][0], d["bbox"][1], d["bbox"][0] + d["bbox"][2] - 1, d["bbox"][1] + d["bbox"][3] - 1] for d in mine]).reshape(-1, 4)
    sorted_ind = np.argsort(-confidence, kind="mergesort")  # stable; voc_eval's quicksort is not
    BB = BB[sorted_ind, :]
    image_ids = [mine[x]["image_id"] for x in sorted_ind]
    nd = len(image_ids)
    tp, fp = np.zeros(nd), np.zeros(nd)
    for d in range(nd):
        R = class_recs[image_ids[d]]
        bb = BB[d, :].astype(float)
        ovmax = -np.inf
        BBGT = R["bbox"].astype(float)
        if BBGT.size > 0:
            ixmin = np.maximum(BBGT[:, 0], bb[0]); iymin = np.maximum(BBGT[:, 1], bb[1])
            ixmax = np.minimum(BBGT[:, 2], bb[2]); iymax = np.minimum(BBGT[:, 3], bb[3])
            iw = np.maximum(ixmax - ixmin + 1.0, 0.0); ih = np.maximum(iymax - iymin + 1.0, 0.0)
            inters = iw * ih
            uni = ((bb[2] - bb[0] + 1.0) * (bb[3] - bb[1] + 1.0)
                   + (BBGT[:, 2] - BBGT[:, 0] + 1.0) * (BBGT[:, 3] - BBGT[:, 1] + 1.0) - inters)
            overlaps = inters / uni
            ovmax = np.max(overlaps); jmax = np.argmax(overlaps)
        if ovmax > ovthresh:
            if not R["difficult"][jmax]:
                if not R["det"][jmax]:
                    tp[d] = 1.0; R["det"][jmax] = 1
                else:
                    fp[d] = 1.0
        else:
            fp[d] = 1.0
    fp, tp = np.cumsum(fp), np.cumsum(tp)
    rec = tp / float(npos)
    prec = tp / np.maximum(tp + fp, np.finfo(np.float64).eps)
    return voc_ap(rec, prec, use_07_metric)


def peer_scores(gt_path, dt_path, gt, dets):
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    with contextlib.redirect_stdout(io.StringIO()):
        coco_gt = COCO(gt_path)
        coco_dt = coco_gt.loadRes(dt_path) if dets else None
        E = COCOeval(coco_gt, coco_dt, "bbox")
        E.evaluate(); E.accumulate(); E.summarize()
    keys = ["AP", "AP50", "AP75", "APsmall", "APmedium", "APlarge", "AR1", "AR10", "AR100", "ARsmall", "ARmedium", "ARlarge"]
    out = {"coco": dict(zip(keys, [float(v) for v in E.stats]))}
    cats = sorted(c["id"] for c in gt["categories"])
    for metric, use07 in (("voc07", True), ("voc10", False)):
        aps = [voc_eval(gt, dets, c, use07) for c in cats]
        defined = [a for a in aps if a is not None]
        out[metric + "mAP"] = float(np.mean(defined)) if defined else -1.0
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--convnotes", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cases", type=int, default=3)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    worst = 0.0
    for case in range(args.cases):
        seed = args.seed + case
        gt, dets = generate(seed, images=40 + 20 * case, jitter=0.04 + 0.06 * case)
        gt_path = os.path.join(args.out, f"crosscheck-{seed}-gt.json")
        dt_path = os.path.join(args.out, f"crosscheck-{seed}-dt.json")
        json.dump(gt, open(gt_path, "w"))
        json.dump(dets, open(dt_path, "w"))
        peer = peer_scores(gt_path, dt_path, gt, [d for d in dets])
        json.dump(peer, open(os.path.join(args.out, f"crosscheck-{seed}-expected.json"), "w"), indent=1, sort_keys=True)
        ours = json.loads(subprocess.check_output([args.convnotes, "eval-detections", "--gt", gt_path, "--dt", dt_path, "--metric", "all", "--json"]))
        for k, v in peer["coco"].items():
            worst = max(worst, abs(v - ours["coco"][k]))
            if abs(v - ours["coco"][k]) > 1e-9:
                print(f"seed {seed} {k}: pycocotools {v!r} convnotes {ours['coco'][k]!r}")
        for k in ("voc07mAP", "voc10mAP"):
            worst = max(worst, abs(peer[k] - ours[k]))
            if abs(peer[k] - ours[k]) > 1e-9:
                print(f"seed {seed} {k}: voc_eval {peer[k]!r} convnotes {ours[k]!r}")
        print(f"seed {seed}: {len(gt['annotations'])} gt, {len(dets)} dt, AP {peer['coco']['AP']:.4f} "
              f"VOC07 {peer['voc07mAP']:.4f} VOC10 {peer['voc10mAP']:.4f}")
    print(f"largest |convnotes - peer| = {worst:.3g}")
    sys.exit(0 if worst <= 1e-6 else 1)


if __name__ == "__main__":
    main()
