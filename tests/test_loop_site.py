"""Issue 17 on the internal site: residual risk (inherent → residual) and the monitor page's deviations and chart."""

from __future__ import annotations

from pathlib import Path

from lfk.register import Register
from lfk.site import build_site

RISKS = "units/county-amr/risks.yaml"


def test_internal_risks_page_shows_inherent_to_residual(base_register: Path, tmp_path: Path) -> None:
    p = base_register / RISKS
    p.write_text(p.read_text(encoding="utf-8").replace(
        "    factors: {importance: 3, discretion: 3, probability: 3, harm: 3}\n",
        "    factors: {importance: 3, discretion: 3, probability: 3, harm: 3}\n"
        "    residual: {importance: 3, discretion: 2, probability: 2, harm: 2}\n", 1), encoding="utf-8")
    build_site(Register(base_register), tmp_path / "i", "internal", lint=False)
    html = (tmp_path / "i" / "units" / "county-amr" / "risks.html").read_text(encoding="utf-8")
    assert html.count('class="residual"') == 1
    assert '剩余风险 中 → <span class="grade grade-l">低</span>' in html
    build_site(Register(base_register), tmp_path / "p", "public", lint=False)
    assert "剩余风险" not in "".join(f.read_text(encoding="utf-8") for f in (tmp_path / "p").rglob("*.html"))
