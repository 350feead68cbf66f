"""Files that content may use: images inside the publication's images/ folder, checked by content."""
from __future__ import annotations

import re
from pathlib import Path

# A photo names a file of images/, nothing else: no scheme, no absolute path, no way up.
SAFE_NAME = re.compile(r"^[\w][\w .()+,-]*(/[\w][\w .()+,-]*)*$")
IMAGE_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}
MAX_PIXELS = 60_000_000       # about 9 500 × 6 300: bigger is a mistake or a decompression bomb
MAX_BYTES = 60 * 1024 * 1024
MAX_NAME = 255                # bytes: the longest file name most file systems accept
# A text file of content (part, YAML, CSV): 4 MB is a book of a thousand pages of prose; a 50 MB part laid out
# for minutes at 2.6 GB.
MAX_TEXT_BYTES = 4 * 1024 * 1024
# Any file the renderer reads (fonts, ICC profiles, images, stylesheets).
MAX_RESOURCE_BYTES = 64 * 1024 * 1024


def short(text: str, limit: int = 120) -> str:
    """A value as quoted in a message: one line, at most `limit` characters (a data: URL can be megabytes)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


# What the command line names — a publication, an edition, a theme — is a folder or file name, never a path.
PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")


def plain_name_problem(kind: str, name: str, where: str) -> str | None:
    """Why `name` is not the plain name of a `kind` (a folder or file of `where`), or None."""
    if PLAIN_NAME.match(name):
        return None
    return (f"{kind} '{short(name)}' is not a name: give the name of a {where} (letters, digits, '-' and '_'; "
            "no '/' nor '..')")


def folder_name_problem(name: str) -> str | None:
    """Why `name` may not be used as a folder of the publication (e.g. `layouts:`), or None."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", name) or name.startswith(("/", "\\", "~")) \
            or ".." in Path(name).parts or not SAFE_NAME.match(name) or len(name.encode()) > MAX_NAME:
        return f"folder '{short(name)}' must be a folder inside the publication (no URL, absolute path or '..')"
    return None


def image_name_problem(src: str) -> str | None:
    """Why `src` may not be used as an image name, or None when it is a plain file name in images/."""
    shown = short(src)
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", src):
        return f"image '{shown}' is a URL: copy the file into the publication's images/ folder and give its name"
    if src.startswith(("/", "\\", "~")):
        return f"image '{shown}' is an absolute path: give a file name inside the publication's images/ folder"
    # A name longer than the system allows would make the file checks raise instead of report.
    if ".." in Path(src).parts or not SAFE_NAME.match(src) or len(src.encode()) > MAX_NAME:
        return f"image '{shown}' is not a plain file name inside images/ (no '..', no special characters)"
    return None


def image_file_problem(images: Path, src: str) -> tuple[str, str] | None:
    """('error'|'warning', message) for an image file that cannot be used, or None when it is fine."""
    path = images / src
    if not path.is_file():
        return "warning", f"image '{src}' not found in {images.name}/"
    resolved = path.resolve()
    # images/ itself may be a symbolic link too: the file must be inside the publication folder.
    if not resolved.is_relative_to(images.resolve()) or not resolved.is_relative_to(images.parent.resolve()):
        return "error", f"image '{src}' leads outside the publication (symbolic link): copy the file instead"
    if resolved.stat().st_size > MAX_BYTES:
        return "error", f"image '{src}' is larger than {MAX_BYTES // 2**20} MB: export a smaller file"
    return _decode_problem(resolved, src)


def _decode_problem(path: Path, src: str) -> tuple[str, str] | None:
    from PIL import Image

    from PIL import UnidentifiedImageError

    try:
        # Only the decoders of the formats we accept read the file: the type comes from the content
        # (a text file named .jpg is refused), and Pillow's other parsers never see content files.
        with Image.open(path, formats=tuple(IMAGE_FORMATS)) as image:
            kind = image.format
            width, height = image.size
            if width * height > MAX_PIXELS:
                return "error", f"image '{src}' has {width}×{height} pixels: too large to print, reduce it"
            image.verify()
    except Image.DecompressionBombError:
        return "error", f"image '{src}' is too large to decode safely (decompression bomb?)"
    except UnidentifiedImageError:
        return "error", (f"image '{src}' is not a JPEG, PNG, WebP or GIF image (checked by its content, "
                         f"whatever its extension): export it in one of these formats")
    except Exception as error:  # Pillow raises many types for broken files
        return "error", f"image '{src}' is not a readable image ({type(error).__name__}): export it again"
    # verify() does not read JPEG data: a truncated file (interrupted copy) lacks the end marker.
    if kind == "JPEG" and not _jpeg_complete(path):
        return "error", f"image '{src}' is truncated (no JPEG end marker): copy or export it again"
    return None


def _jpeg_complete(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 4096))
        return b"\xff\xd9" in handle.read()


def print_ready_image(path: Path, profile: Path, cache: Path) -> Path:
    """A CMYK JPEG of `path` through the printer's profile, cached by content: PDF/X wants no RGB image."""
    import hashlib

    digest = hashlib.sha256(path.read_bytes() + profile.name.encode()).hexdigest()[:24]
    target = cache / f"{digest}.jpg"
    if target.is_file():
        # A copy cut short (full disk, killed build) would print a broken image: checked, else made again.
        if target.stat().st_size > 0 and _jpeg_complete(target):
            return target
        from .cache import damaged

        damaged(target, "truncated JPEG", "converted again")
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
    import io

    from .pdf import write_atomic

    # A temporary file of its own: two builds converting the same photo at once wrote one shared
    # `.part` file, and one could rename it while the other was still writing into it.
    data = io.BytesIO()
    converted.save(data, "JPEG", quality=92, dpi=(300, 300))
    write_atomic(target, data.getvalue())
    return target
