"""Files that content may use: images inside the publication's images/ folder, checked by content."""
from __future__ import annotations

import re
from pathlib import Path

# A photo names a file of images/, nothing else: no scheme, no absolute path, no way up.
SAFE_NAME = re.compile(r"^[\w][\w .()+,-]*(/[\w][\w .()+,-]*)*$")
IMAGE_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}
MAX_PIXELS = 60_000_000       # about 9 500 × 6 300: bigger is a mistake or a decompression bomb
MAX_BYTES = 60 * 1024 * 1024


def image_name_problem(src: str) -> str | None:
    """Why `src` may not be used as an image name, or None when it is a plain file name in images/."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", src):
        return f"image '{src}' is a URL: copy the file into the publication's images/ folder and give its name"
    if src.startswith(("/", "\\", "~")):
        return f"image '{src}' is an absolute path: give a file name inside the publication's images/ folder"
    if ".." in Path(src).parts or not SAFE_NAME.match(src):
        return f"image '{src}' is not a plain file name inside images/ (no '..', no special characters)"
    return None


def image_file_problem(images: Path, src: str) -> tuple[str, str] | None:
    """('error'|'warning', message) for an image file that cannot be used, or None when it is fine."""
    path = images / src
    if not path.is_file():
        return "warning", f"image '{src}' not found in {images.name}/: a framed placeholder with the credit is printed"
    resolved = path.resolve()
    if not resolved.is_relative_to(images.resolve()):
        return "error", f"image '{src}' leads outside the publication (symbolic link): copy the file instead"
    if resolved.stat().st_size > MAX_BYTES:
        return "error", f"image '{src}' is larger than {MAX_BYTES // 2**20} MB: export a smaller file"
    return _decode_problem(resolved, src)


def _decode_problem(path: Path, src: str) -> tuple[str, str] | None:
    from PIL import Image

    try:
        with Image.open(path) as image:
            kind = image.format
            width, height = image.size
            if width * height > MAX_PIXELS:
                return "error", f"image '{src}' has {width}×{height} pixels: too large to print, reduce it"
            image.verify()
    except Image.DecompressionBombError:
        return "error", f"image '{src}' is too large to decode safely (decompression bomb?)"
    except Exception as error:  # Pillow raises many types for broken files
        return "error", f"image '{src}' is not a readable image ({type(error).__name__}): export it again"
    if kind not in IMAGE_FORMATS:
        return "error", f"image '{src}' is a {kind} file: use JPEG, PNG, WebP or GIF"
    return None


def print_ready_image(path: Path, profile: Path, cache: Path) -> Path:
    """A CMYK JPEG of `path` through the printer's profile, cached by content: PDF/X wants no RGB image."""
    import hashlib

    digest = hashlib.sha256(path.read_bytes() + profile.name.encode()).hexdigest()[:24]
    target = cache / f"{digest}.jpg"
    if target.is_file():
        return target
    from PIL import Image, ImageCms

    with Image.open(path) as image:
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            flat = Image.new("RGB", image.size, (255, 255, 255))
            flat.paste(image, mask=image.getchannel("A"))
            image = flat
        if image.mode == "CMYK":
            converted = image.copy()
        else:
            transform = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.getOpenProfile(str(profile)),
                                                "RGB", "CMYK", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)
            converted = ImageCms.applyTransform(image.convert("RGB"), transform)
    cache.mkdir(parents=True, exist_ok=True)
    temp = target.with_suffix(".part")
    converted.save(temp, "JPEG", quality=92, dpi=(300, 300))
    temp.replace(target)
    return target
