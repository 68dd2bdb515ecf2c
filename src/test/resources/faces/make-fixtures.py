#!/usr/bin/python3
"""Writes the face-detection fixtures of colmena.vision's tests, and OpenCV's answer for each.

Run from this folder with Debian's python3-opencv and python3-skimage:

    /usr/bin/python3 make-fixtures.py CASCADE_XML

where CASCADE_XML is the haarcascade_frontalface_default.xml that the build unpacks
(target/opencv/.../haarcascades/). It writes the images (PNG, one JPEG) and expected.json:
per image its size and the boxes of
cv2.CascadeClassifier(CASCADE_XML).detectMultiScale(gray, 1.1, 3), where gray is
cv2.cvtColor(cv2.imread(file), cv2.COLOR_BGR2GRAY), and the raw candidates (the same call
with minNeighbors=0, which skips grouping); and the raw candidates of OTHER_CASCADES on the
astronaut. The tests never need OpenCV.
"""
import json
import os
import sys

import cv2
import numpy as np
import skimage.data

BACKGROUND = (112, 124, 136)  # RGB
DEFAULT_CASCADE = 'haarcascade_frontalface_default.xml'
# Trees instead of stumps, and tilted features: the other code paths of the detector.
OTHER_CASCADES = ['haarcascade_frontalface_alt2.xml', 'haarcascade_eye_tree_eyeglasses.xml']


def downscale(rgb, k):
    """Mean of each k x k block, rounded half up; the crop keeps whole blocks."""
    h, w = (rgb.shape[0] // k) * k, (rgb.shape[1] // k) * k
    blocks = rgb[:h, :w].astype(np.int64).reshape(h // k, k, w // k, k, -1)
    return ((blocks.sum(axis=(1, 3)) + (k * k) // 2) // (k * k)).astype(np.uint8)


def upscale(rgb, k):
    """Each pixel repeated k x k times."""
    return rgb.repeat(k, axis=0).repeat(k, axis=1)


def canvas(width, height, placements):
    """A plain background with each (image, x, y) pasted on it."""
    out = np.zeros((height, width, 3), np.uint8)
    out[:, :] = BACKGROUND
    for image, x, y in placements:
        out[y:y + image.shape[0], x:x + image.shape[1]] = image
    return out


def images():
    astronaut = skimage.data.astronaut()
    mirrored = astronaut[:, ::-1]
    yield 'astronaut.png', astronaut
    yield 'astronaut.jpg', astronaut
    yield 'camera-gray.png', skimage.data.camera()
    yield 'coffee-no-face.png', skimage.data.coffee()
    yield 'group-small.png', canvas(1240, 720, [
        (astronaut, 10, 10), (downscale(mirrored, 2), 540, 12),
        (downscale(astronaut, 2), 820, 300), (downscale(mirrored, 3), 560, 420),
        (downscale(astronaut, 3), 1040, 40), (downscale(astronaut, 4), 200, 570),
        (downscale(mirrored, 4), 380, 570)])
    yield 'group-large.png', canvas(1700, 1250, [
        (upscale(astronaut, 2), 0, 0), (mirrored, 1100, 30),
        (downscale(astronaut, 2), 1120, 640), (downscale(mirrored, 3), 1450, 960)])


def save(name, image):
    bgr = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    params = [cv2.IMWRITE_JPEG_QUALITY, 92] if name.endswith('.jpg') else [cv2.IMWRITE_PNG_COMPRESSION, 9]
    if not cv2.imwrite(name, bgr, params):
        sys.exit('could not write ' + name)


def load(folder, name):
    cascade = cv2.CascadeClassifier(os.path.join(folder, name))
    if cascade.empty():
        sys.exit('cannot load cascade ' + os.path.join(folder, name))
    return cascade


def other_cascades(folder):
    gray = cv2.cvtColor(cv2.imread('astronaut.png'), cv2.COLOR_BGR2GRAY)
    return [{'cascade': name, 'file': 'astronaut.png',
             'candidates': sorted([int(v) for v in b] for b in load(folder, name).detectMultiScale(gray, 1.1, 0))}
            for name in OTHER_CASCADES]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    cascade = load(sys.argv[1], DEFAULT_CASCADE)
    cv2.setNumThreads(1)
    fixtures = []
    for name, image in images():
        save(name, image)
        gray = cv2.cvtColor(cv2.imread(name), cv2.COLOR_BGR2GRAY)
        boxes = cascade.detectMultiScale(gray, 1.1, 3)
        # minNeighbors=0 skips the grouping: these are the raw windows the cascade accepted.
        candidates = cascade.detectMultiScale(gray, 1.1, 0)
        fixtures.append({'file': name, 'width': gray.shape[1], 'height': gray.shape[0],
                         'boxes': sorted([int(v) for v in b] for b in boxes),
                         'candidates': sorted([int(v) for v in b] for b in candidates)})
        print(name, gray.shape[1], 'x', gray.shape[0], len(boxes), 'boxes')
    expected = {
        'opencv': cv2.__version__,
        'command': 'cv2.CascadeClassifier("haarcascade_frontalface_default.xml")'
                   '.detectMultiScale(cv2.cvtColor(cv2.imread(file), cv2.COLOR_BGR2GRAY), 1.1, 3)',
        'made_by': '/usr/bin/python3 make-fixtures.py HAARCASCADES_DIR',
        'images': fixtures,
        'other_cascades': other_cascades(sys.argv[1]),
    }
    with open('expected.json', 'w') as out:
        json.dump(expected, out, indent=1, separators=(',', ': '))
        out.write('\n')


if __name__ == '__main__':
    main()
