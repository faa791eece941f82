"""An export's images reach a ``file:`` archive too: from the zip, from the ``images/``
folder beside an unzipped export's HTML, from a ``data:`` URI; what cannot be read is left
out and said so, never a reason to lose the words around it."""

import base64
import re
import shutil
import zipfile
from pathlib import Path

from syncer import cli
from tests.fakes.http import Answer, LocalServer

GOLDEN = Path(__file__).parents[1] / "golden" / "zip-comments-images.zip"
PAGE = "Arch Hours: 2023"
PNG = b"\x89PNG\r\n\x1a\n" + b"pixels" * 20


def export(folder: Path, image_tag: str, name: str = "notes.html") -> Path:
    """The golden zip's page, unzipped, with its ``<img>`` replaced by ``image_tag``."""
    with zipfile.ZipFile(GOLDEN) as archive:
        page = archive.read("ArchHours.html").decode()
    page = re.sub(r"<img [^>]*>", image_tag, page)
    (folder / name).write_text(page, encoding="utf-8")
    return folder / name


def run(folder: Path, source: Path, capsys) -> tuple[int, str, str]:
    config = folder / "sync.toml"
    config.write_text(
        f'[source]\nfile = "{source.name}"\n'
        '[target]\nurl = "file:archive"\nspace = "ARCH"\ntitle = "Arch Hours: {year}"\n',
        encoding="utf-8",
    )
    code = cli.main(["sync", "--config", str(config)])
    out, err = capsys.readouterr()
    return code, out, err


def attachments(folder: Path) -> dict[str, bytes]:
    found = folder / "archive" / f"{PAGE}.attachments"
    return {path.name: path.read_bytes() for path in found.iterdir()} if found.is_dir() else {}


def body(folder: Path) -> str:
    return (folder / "archive" / f"{PAGE}.xhtml").read_text(encoding="utf-8")


def test_a_zip_export_s_image_is_kept_beside_the_page(tmp_path, capsys):
    shutil.copy(GOLDEN, tmp_path / "notes.zip")
    code, _out, err = run(tmp_path, tmp_path / "notes.zip", capsys)
    assert code == 0, err
    with zipfile.ZipFile(GOLDEN) as archive:
        expected = archive.read("images/image1.png")
    ((name, data),) = attachments(tmp_path).items()
    assert data == expected and name.endswith(".png")
    assert f'ri:filename="{name}"' in body(tmp_path)


def test_an_unzipped_export_s_images_folder_is_read(tmp_path, capsys):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "image1.png").write_bytes(PNG)
    source = export(tmp_path, '<img src="images/image1.png" alt="chart">')
    code, _out, err = run(tmp_path, source, capsys)
    assert code == 0, err
    assert list(attachments(tmp_path).values()) == [PNG]
    assert '<ac:image ac:alt="chart">' in body(tmp_path)


def test_a_data_uri_image_is_kept(tmp_path, capsys):
    uri = "data:image/png;base64," + base64.b64encode(PNG).decode()
    code, _out, err = run(tmp_path, export(tmp_path, f'<img src="{uri}">'), capsys)
    assert code == 0, err
    assert list(attachments(tmp_path).values()) == [PNG]


def test_an_image_the_export_lacks_is_left_out_and_said_so(tmp_path, capsys):
    source = export(tmp_path, '<img src="images/gone.png">')
    code, out, err = run(tmp_path, source, capsys)
    assert code == 0, err
    assert "see chart" in body(tmp_path) and "ac:image" not in body(tmp_path)
    assert "1 image the export refers to but does not hold left out" in out + err


def test_an_image_over_the_limit_is_left_out_and_said_so(tmp_path, capsys):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "big.png").write_bytes(PNG + b"\0" * 2 * 1024 * 1024)
    source = export(tmp_path, '<img src="images/big.png">')
    code, out, err = run(tmp_path, source, capsys)
    assert code == 0 and attachments(tmp_path)  # the default limit is 10 MB
    config = tmp_path / "sync.toml"
    text = config.read_text().replace(
        'url = "file:archive"', 'url = "file:other"\nmax_image_mb = 1'
    )
    config.write_text(text, encoding="utf-8")
    code = cli.main(["sync", "--config", str(config)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "1 image over [target] max_image_mb (1 MB) left out" in out + err
    assert "see chart" in (tmp_path / "other" / f"{PAGE}.xhtml").read_text()


def test_an_image_may_not_point_outside_the_export_s_folder(tmp_path, capsys):
    (tmp_path / "secret.png").write_bytes(PNG)
    folder = tmp_path / "export"
    folder.mkdir()
    code, _out, err = run(folder, export(folder, '<img src="../secret.png">'), capsys)
    assert code != 0
    assert "outside the export's folder" in err
    assert not (folder / "archive" / f"{PAGE}.xhtml").exists()


class _ImageHost(LocalServer):
    """Where an HTML export's image link points (Google's copy of a pasted picture)."""

    def __init__(self, status: int = 200) -> None:
        self.status, self.headers_seen = status, []

    def answer(self, method, target, headers, body) -> Answer:
        self.headers_seen.append(dict(headers))
        return Answer(self.status, PNG if self.status == 200 else b"gone", "image/png")


def test_an_export_s_image_link_is_downloaded(tmp_path, capsys):
    with _ImageHost() as host:
        source = export(tmp_path, f'<img src="{host.origin}/pic?sz=1">')
        code, _out, err = run(tmp_path, source, capsys)
    assert code == 0, err
    assert list(attachments(tmp_path).values()) == [PNG]
    assert not any("Authorization" in seen for seen in host.headers_seen)


def test_an_image_link_that_is_gone_is_left_out_and_said_so(tmp_path, capsys):
    with _ImageHost(status=404) as host:
        source = export(tmp_path, f'<img src="{host.origin}/pic?token=s3cr3t">')
        code, out, err = run(tmp_path, source, capsys)
    assert code == 0, err
    assert "1 image whose link answered 404 left out" in out + err
    assert "s3cr3t" not in out + err
    assert "see chart" in body(tmp_path) and "ac:image" not in body(tmp_path)


def test_an_image_link_that_fails_for_now_fails_the_run_and_writes_nothing(tmp_path, capsys):
    with _ImageHost(status=502) as host:
        source = export(tmp_path, f'<img src="{host.origin}/pic?token=s3cr3t">')
        code, _out, err = run(tmp_path, source, capsys)
    assert code != 0
    assert "its link answered 502" in err and "s3cr3t" not in err
    assert not (tmp_path / "archive" / f"{PAGE}.xhtml").exists()
