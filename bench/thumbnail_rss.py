"""Memory of one photo thumbnail, the task worker's largest job: a 12 MP phone photo.

    python bench/thumbnail_rss.py

Writes a 4000×3000 JPEG with EXIF orientation 6 (a phone held upright) to bench/out,
then, in a fresh process after Django is set up, makes its thumbnail with
`civicgrid.cases.tasks.thumbnail_bytes` and reports the rise of the process's peak RSS
(VmHWM) and the time. Decoding the whole photo costs about 95 MiB (seen before the app
let the decoder scale down with `Image.draft`); this guards against that coming back.
"""

import argparse
import subprocess
import sys
import time
from io import BytesIO

from common import OUT, PYTHON, bench_env, emit, peak_rss_mb, setup_django

LIMIT_MIB = 120 / 1.048576
PHOTO = OUT / "photo-12mp.jpg"


def make_photo() -> None:
    from PIL import Image

    if PHOTO.exists():
        return
    image = Image.effect_mandelbrot((4000, 3000), (-2.2, -1.2, 1.0, 1.2), 60).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° to show
    image.save(PHOTO, "JPEG", quality=90, exif=exif)


def measure(variant: str) -> None:
    """In this (fresh) process: peak RSS rise and time of one thumbnail."""
    setup_django()
    try:
        from civicgrid.cases.tasks import thumbnail_bytes as make
    except ImportError:
        print("missing")
        return
    import PIL.Image  # noqa: F401 - imported before the baseline is read

    data = PHOTO.read_bytes()
    before = peak_rss_mb()
    started = time.perf_counter()
    thumb = make(BytesIO(data))
    seconds = time.perf_counter() - started
    print(f"{peak_rss_mb() - before:.1f} {peak_rss_mb():.1f} {seconds * 1000:.0f} {len(thumb)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", choices=["app"])
    args = parser.parse_args()
    if args.variant:
        return measure(args.variant)
    make_photo()
    for variant, label in [("app", "as the app does it")]:
        out = subprocess.run(
            [str(PYTHON), __file__, "--variant", variant],
            env=bench_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        if out.returncode:
            sys.exit(out.stderr)
        if out.stdout.strip() == "missing":
            emit(f"thumbnail of a 12 MP photo, {label}", "not measured", "", note="no such task")
            continue
        rise, peak, ms, size = out.stdout.split()
        emit(
            f"thumbnail of a 12 MP photo, {label}: peak RSS rise",
            float(rise),
            "MiB",
            note=f"process peak {peak} MiB, {ms} ms, {int(size) // 1024} KiB JPEG",
        )
        emit(
            f"  process peak RSS while making it ({variant})",
            float(peak),
            "MiB",
            "≤ 120 MB",
            **(
                {"key": "worker_rss_task", "ok": float(peak) <= LIMIT_MIB}
                if variant == "app"
                else {}
            ),
        )


if __name__ == "__main__":
    main()
