"""A fake camera for browser tests: Chromium plays a still picture (a QR code, say) as its webcam.

``y4m_from_png`` turns a PNG into a short YUV4MPEG2 clip and ``camera_args`` gives the Chromium flags that make
that clip the camera, granting the permission prompt without showing it. Chromium loops the clip for as long as
the page keeps the camera open.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

WIDTH, HEIGHT = 640, 480
# White around the picture, so a scanner finds the code's quiet zone even when the PNG has none.
MARGIN = 40


def _frame(png: bytes) -> Image.Image:
    """The PNG on a white 640x480 frame, centred and, if it does not fit inside the margin, scaled down."""
    picture = Image.open(io.BytesIO(png))
    if picture.mode in ("RGBA", "LA", "P"):
        picture = picture.convert("RGBA")
        background = Image.new("RGBA", picture.size, "white")
        picture = Image.alpha_composite(background, picture)
    picture = picture.convert("RGB")
    room_w, room_h = WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN
    if picture.width > room_w or picture.height > room_h:
        scale = min(room_w / picture.width, room_h / picture.height)
        size = (max(1, int(picture.width * scale)), max(1, int(picture.height * scale)))
        picture = picture.resize(size, Image.Resampling.LANCZOS)
    frame = Image.new("RGB", (WIDTH, HEIGHT), "white")
    frame.paste(picture, ((WIDTH - picture.width) // 2, (HEIGHT - picture.height) // 2))
    return frame


def y4m_from_png(png: bytes, path: Path, frames: int = 30) -> Path:
    """Write ``frames`` identical 640x480 4:2:0 frames of the PNG (JPEG-range YCbCr) at 30 fps to ``path``.

    Chromium accepts only files named ``*.y4m`` (or ``*.mjpeg``) for ``--use-file-for-fake-video-capture``.
    """
    path = Path(path)
    if path.suffix != ".y4m":
        raise ValueError(f"Chromium reads a fake camera only from a .y4m file, not {path.name}")
    y, cb, cr = _frame(png).convert("YCbCr").split()
    half = (WIDTH // 2, HEIGHT // 2)
    picture = (
        y.tobytes() + cb.resize(half, Image.Resampling.BOX).tobytes() + cr.resize(half, Image.Resampling.BOX).tobytes()
    )
    header = f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F30:1 Ip A1:1 C420jpeg\n".encode("ascii")
    with path.open("wb") as out:
        out.write(header)
        for _ in range(frames):
            out.write(b"FRAME\n")
            out.write(picture)
    return path


def camera_args(y4m: Path) -> list[str]:
    """Chromium flags for a fake camera that plays ``y4m`` and a permission prompt that always says yes."""
    return [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={Path(y4m).resolve()}",
    ]
