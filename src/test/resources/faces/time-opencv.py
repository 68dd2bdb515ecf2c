#!/usr/bin/python3
"""Times OpenCV's detectMultiScale(gray, 1.1, 3) on one thread, for comparison with DetectorTiming.

    /usr/bin/python3 time-opencv.py CASCADE_XML IMAGE...

Prints, per image, the best of 5 runs after one warm-up, in wall-clock and thread CPU time.
"""
import sys
import time

import cv2


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cv2.setNumThreads(1)
    cascade = cv2.CascadeClassifier(sys.argv[1])
    for name in sys.argv[2:]:
        gray = cv2.cvtColor(cv2.imread(name), cv2.COLOR_BGR2GRAY)
        faces = cascade.detectMultiScale(gray, 1.1, 3)
        wall = cpu = float('inf')
        for _ in range(5):
            w, c = time.perf_counter(), time.thread_time()
            cascade.detectMultiScale(gray, 1.1, 3)
            cpu = min(cpu, time.thread_time() - c)
            wall = min(wall, time.perf_counter() - w)
        print('%s %dx%d: %d faces, best of 5: %.1f ms wall, %.1f ms CPU (OpenCV %s)'
              % (name, gray.shape[1], gray.shape[0], len(faces), wall * 1000, cpu * 1000, cv2.__version__))


if __name__ == '__main__':
    main()
