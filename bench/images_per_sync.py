"""What a doc's images cost a sync: requests and uploads, and the time and memory of many.

1. The example doc with 20 images (2 KB each), on Cloud and Data Center, four syncs in a row:
   the first, one with nothing new, one after a new doc revision showing the same pictures,
   and one after a single picture is replaced. An unchanged picture must never be uploaded
   again: the script exits with an error when one is.
2. The example doc with 100 images of 200 KB each (incompressible bytes), synced once to
   Cloud by the CLI in a subprocess, so the time and peak RSS (VmHWM) are the sync's
   alone (the fakes run in this process); the same for the doc without images, for the floor.

    python bench/images_per_sync.py
"""

from __future__ import annotations

import copy
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent  # the repository, where `syncer` and `tests` live
sys.path.insert(0, str(ROOT))  # the fakes are test code, outside the installed package

from bench.requests_per_sync import credentials  # noqa: E402
from syncer import cli  # noqa: E402
from tests.e2e.live import DOC_ID, EXAMPLE, HOME, with_images  # noqa: E402
from tests.fakes.confluence import FakeConfluence  # noqa: E402
from tests.fakes.google import FakeGoogle  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"
HEADER = ("scenario", "google", "images read", "conf GET", "conf write", "uploads", "page v")


def bullets() -> list[str]:
    """The opening text of each bullet of the example doc, each once."""
    content = EXAMPLE["tabs"][0]["documentTab"]["body"]["content"]
    found: list[str] = []
    for block in content:
        paragraph = block.get("paragraph", {})
        if "bullet" in paragraph:
            text = paragraph["elements"][0].get("textRun", {}).get("content", "").rstrip("\n")
            if text and text not in found and not any(o.startswith(text) for o in found):
                found.append(text)
    return found


def picture(number: int, size: int) -> bytes:
    """A distinct image of ``size`` bytes that does not compress (random after the header)."""
    return PNG + number.to_bytes(4, "big") + os.urandom(size - len(PNG) - 4)


def doc_with(google: FakeGoogle, count: int, size: int) -> tuple[dict[str, Any], list[str]]:
    """The example doc with ``count`` images spread over its bullets, and their links."""
    links = [google.add_image(picture(n, size)) for n in range(count)]
    places = bullets()
    return with_images(*((places[n % len(places)], link) for n, link in enumerate(links))), links


def config(folder: Path, google: FakeGoogle, confluence: FakeConfluence) -> Path:
    path = folder / f"sync-{confluence.deployment}.toml"
    path.write_text(
        f'[source]\ndocument = "https://docs.google.com/document/d/{DOC_ID}/edit"\n'
        f'credentials = "{google.service_account_file(folder)}"\n'
        f'api_endpoint = "{google.url}"\n'
        f'[target]\nurl = "{confluence.url}"\ndeployment = "{confluence.deployment}"\n'
        'space = "ARCH"\ntitle = "Arch Hours: {year}"\n',
        encoding="utf-8",
    )
    return path


def twenty(deployment: str, folder: Path) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    with FakeGoogle() as google, FakeConfluence(deployment) as confluence:
        google.add_document(copy.deepcopy(EXAMPLE))
        confluence.add_space("ARCH", "2000", HOME)
        doc, links = doc_with(google, 20, 2048)
        google.edit(DOC_ID, doc)
        path = config(folder, google, confluence)
        steps = [
            ("first sync (20 images)", lambda: None),
            ("nothing new", lambda: None),
            ("new revision, same images", lambda: google.edit(DOC_ID, doc)),
            ("one image replaced", lambda: replace_one(google, doc, links[7])),
        ]
        with credentials(confluence):
            for scenario, change in steps:
                change()
                google.requests.clear()
                google.image_downloads.clear()
                confluence.reset_log()
                code = cli.main(["sync", "--config", str(path), "-q"], stdout=io.StringIO())
                if code != 0:
                    sys.exit(f"{deployment}, {scenario}: syncer sync exited with {code}")
                methods = [m for m, _p, _q in confluence.requests]
                uploads = confluence.count("PUT", "/child/attachment$")
                uploads += confluence.count("POST", "/child/attachment$")
                page = confluence.find_page("ARCH", "Arch Hours: 2023")
                rows.append(
                    (
                        scenario,
                        len(google.requests),
                        len(google.image_downloads),
                        methods.count("GET"),
                        sum(m in ("PUT", "POST", "DELETE") for m in methods),
                        uploads,
                        page.version if page else "-",
                    )
                )
    return rows


def replace_one(google: FakeGoogle, doc: dict[str, Any], link: str) -> None:
    google.replace_image(link, picture(999, 2048))
    google.edit(DOC_ID, doc)


def sync_in_a_subprocess(count: int, size: int, folder: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one `syncer sync` of the doc with ``count`` images."""
    with FakeGoogle() as google, FakeConfluence("cloud") as confluence:
        google.add_document(copy.deepcopy(EXAMPLE))
        confluence.add_space("ARCH", "2000", HOME)
        if count:
            google.edit(DOC_ID, doc_with(google, count, size)[0])
        path = config(folder, google, confluence)
        child = (
            "import re, sys, time\n"
            "from syncer import cli\n"
            "started = time.perf_counter()\n"
            f"code = cli.main(['sync', '--config', {str(path)!r}, '-q'])\n"
            "seconds = time.perf_counter() - started\n"
            # VmHWM: this process's own peak (ru_maxrss would carry this one's across exec)
            "status = open('/proc/self/status').read()\n"
            "peak = int(re.search(r'VmHWM:\\s+(\\d+)', status).group(1))\n"
            "print(code, seconds, peak, file=sys.stderr)\n"
        )
        with credentials(confluence):
            done = subprocess.run(
                [sys.executable, "-c", child], capture_output=True, text=True, check=False
            )
        code, seconds, peak = done.stderr.strip().splitlines()[-1].split()
        if code != "0":
            sys.exit(f"{count} images: syncer sync exited with {code}\n{done.stderr}")
        uploaded = sum(len(v) for v in confluence.attachments.values())
        if uploaded != count:
            sys.exit(f"{count} images: {uploaded} uploaded")
        return float(seconds), int(peak) / 1024


def table(lines: list[tuple[object, ...]]) -> list[str]:
    widths = [max(len(str(line[n])) for line in lines) for n in range(len(lines[0]))]
    return [
        f"{line[0]!s:<{widths[0]}}"
        + "".join(f"  {line[n]!s:>{widths[n]}}" for n in range(1, len(line)))
        for line in lines
    ]


def main() -> None:
    started = time.perf_counter()
    lines: list[tuple[object, ...]] = [HEADER]
    with tempfile.TemporaryDirectory(prefix="images-bench-") as name:
        again = []
        for deployment in ("cloud", "datacenter"):
            lines.append((f"[{deployment}]", *[""] * (len(HEADER) - 1)))
            rows = twenty(deployment, Path(tempfile.mkdtemp(dir=name)))
            lines += rows
            again += [f"{deployment}: {r[0]}" for r in rows[1:3] if r[5]]
        print("\n".join(table(lines)))
        print()
        floor = sync_in_a_subprocess(0, 0, Path(tempfile.mkdtemp(dir=name)))
        many = sync_in_a_subprocess(100, 200 * 1024, Path(tempfile.mkdtemp(dir=name)))
    print(
        f"doc without images, Cloud:         {floor[0] * 1000:7.0f} ms  peak RSS {floor[1]:6.1f} MB"
    )
    print(
        f"100 images of 200 KB (19.5 MB):    {many[0] * 1000:7.0f} ms  peak RSS {many[1]:6.1f} MB"
    )
    extra = many[0] - floor[0]
    print(
        f"per image: {extra * 1000 / 100:.1f} ms; per MB of images: {extra * 1000 / 19.53:.0f} ms"
    )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n(this process, with the fakes: {own:.0f} MB; {time.perf_counter() - started:.1f} s)")
    if again:
        sys.exit(f"these syncs uploaded an unchanged image: {'; '.join(again)}")


if __name__ == "__main__":
    main()
