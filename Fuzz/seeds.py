"""Generated seeds for the fuzz targets (Fuzz/seed.sh calls it): files in the
formats the parsers read, small enough for libFuzzer to mutate quickly."""
import json, struct, sys, zlib, os

root = sys.argv[1]

def write(target, name, data):
    with open(os.path.join(root, target, name), "wb") as f:
        f.write(data)

# safetensors as SafeTensors.encode writes it: F32 tensors, sorted-key JSON
# header padded to 8 bytes, FNV-1a 64 of the data in the metadata.
def fnv1a64(data):
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h

def safetensors(tensors, with_hash=True):
    body, header = b"", {}
    for name, shape, values in tensors:
        begin = len(body)
        body += struct.pack("<%df" % len(values), *values)
        header[name] = {"data_offsets": [begin, len(body)], "dtype": "F32", "shape": shape}
    header["__metadata__"] = {"fnv1a64": fnv1a64(body)} if with_hash else {"note": "x"}
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + body

write("safetensors", "fc", safetensors([("fc.bias", [2], [0.5, -1]), ("fc.weight", [2, 3], [1, 2, 3, 4, 5, 6])]))
write("safetensors", "nohash", safetensors([("fc.weight", [2, 3], [0] * 6)], with_hash=False))
write("safetensors", "empty", safetensors([]))

# PNGs: grey, RGB, RGBA, palette, 16-bit grey.
def png(width, height, colour, depth, rows, palette=None):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + r for r in rows)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0))
    if palette:
        out += chunk(b"PLTE", palette)
    return out + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")

write("png", "grey.png", png(4, 3, 0, 8, [bytes([x * 60 + y for x in range(4)]) for y in range(3)]))
write("png", "rgb.png", png(3, 2, 2, 8, [bytes([10, 20, 30] * 3) for _ in range(2)]))
write("png", "rgba.png", png(2, 2, 6, 8, [bytes([255, 0, 0, 128, 0, 255, 0, 255]) for _ in range(2)]))
write("png", "palette.png", png(2, 2, 3, 8, [b"\x00\x01", b"\x01\x00"], palette=b"\xff\x00\x00\x00\x00\xff"))
write("png", "grey16.png", png(2, 1, 0, 16, [b"\x12\x34\xff\xff"]))
write("png", "grey.pgm", b"P5 3 2 255\n" + bytes(range(6)))
write("png", "comment.ppm", b"P6\n# a comment\n2 1\n65535\n" + bytes(range(12)))

# float32 matrices for tsne: byte 0 = rows, byte 1 = cols, then the data.
def matrix(rows, cols, values, fmt="<f"):
    return bytes([rows, cols]) + b"".join(struct.pack(fmt, v) for v in values)

write("tsne", "4x2", matrix(4, 2, [0, 1, 2, 3, 4, 5, 6, 7]))
write("tsne", "4x2-float64", matrix(4, 2, [0, 1, 2, 3, 4, 5, 6, 7], "<d"))
write("tsne", "5x3-nan", matrix(5, 3, [1.0] * 7 + [float("nan")] + [2.0] * 7))

# COCO: small cuts of the pycocotools cross-check fixtures (three images each),
# so that each execution is fast; the whole fixtures are seeds too.
fixtures = "Tests/DetectionTests/Fixtures"
for k in (1, 2, 3):
    gt = json.load(open(f"{fixtures}/crosscheck-{k}-gt.json"))
    dt = json.load(open(f"{fixtures}/crosscheck-{k}-dt.json"))
    keep = {im["id"] for im in gt["images"][:3]}
    small = {"images": [im for im in gt["images"] if im["id"] in keep], "categories": gt["categories"],
             "annotations": [a for a in gt["annotations"] if a["image_id"] in keep]}
    write("coco", f"small-{k}-gt.json", json.dumps(small).encode())
    write("coco", f"small-{k}-dt.json", json.dumps([d for d in dt if d["image_id"] in keep][:20]).encode())
