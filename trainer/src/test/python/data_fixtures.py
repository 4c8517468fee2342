#!/usr/bin/env python3
"""Small .npy / .npz files written by numpy itself (Debian python3-numpy), so the Java readers are
checked against the real writer. Usage: /usr/bin/python3 data_fixtures.py"""
import os

import numpy as np

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "data")
os.makedirs(out, exist_ok=True)
x = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 4
np.save(f"{out}/f4.npy", x)
np.save(f"{out}/f8-big-endian.npy", x.astype(">f8"))
np.save(f"{out}/i8.npy", np.array([3, -1, 7], dtype=np.int64))
np.save(f"{out}/u1.npy", np.array([[0, 255], [7, 8]], dtype=np.uint8))
np.save(f"{out}/bool.npy", np.array([True, False, True]))
np.save(f"{out}/f2.npy", np.array([0.5, -2.0, 65504.0], dtype=np.float16))
np.save(f"{out}/fortran.npy", np.asfortranarray(np.ones((2, 3), dtype=np.float32)))
np.savez(f"{out}/stored.npz", x=x, y=np.array([1, 0], dtype=np.int32))
np.savez_compressed(f"{out}/compressed.npz", x=x, y=np.array([1, 0], dtype=np.int32))
print("wrote", sorted(os.listdir(out)))
