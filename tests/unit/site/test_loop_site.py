"""Issue 17 on the internal site: residual risk (inherent → residual) and the monitor page's deviations and chart."""

from __future__ import annotations

import re
from pathlib import Path

from lfk.register import Register
from lfk.site import build_site
from tests.conftest import HERE

RISKS = "units/county-amr/risks.yaml"


def test_internal_risks_page_shows_inherent_to_residual(base_register: Path, tmp_path: Path) -> None:
    p = base_register / RISKS
    p.write_text(p.read_text(encoding="utf-8").replace(
        "    factors: {importance: 3, discretion: 3, probability: 3, harm: 3}\n",
        "    factors: {importance: 3, discretion: 3, probability: 3, harm: 3}\n"
        "    residual: {importance: 3, discretion: 2, probability: 2, harm: 2}\n", 1), encoding="utf-8")
    (base_register / "units" / "county-amr" / "accepted.yaml").write_text(
        "accepted:\n  - {id: A-1, risk: R-001, reason: 第二项措施随系统升级上线, approval: AP-2026-03, until: 2027-03-31}\n",
        encoding="utf-8")
    build_site(Register(base_register), tmp_path / "i", "internal", lint=False)
    html = (tmp_path / "i" / "units" / "county-amr" / "risks.html").read_text(encoding="utf-8")
    assert html.count('class="residual"') == 1
    assert '<span class="tag" title="第二项措施随系统升级上线">已接受 A-1 至 2027-03-31</span>' in html
    assert '剩余风险 中 → <span class="grade grade-l">低</span>' in html
    build_site(Register(base_register), tmp_path / "p", "public", lint=False)
    public = "".join(f.read_text(encoding="utf-8") for f in (tmp_path / "p").rglob("*.html"))
    assert "剩余风险" not in public and "A-1" not in public and "系统升级" not in public


def test_monitor_page_explains_deviations_with_an_escaped_svg_chart(base_register: Path, tmp_path: Path) -> None:
    """The monitor page: throughput chart (server-side SVG, register text escaped), deviation shares, alignments."""
    events = HERE / "fixtures" / "events"
    auth = base_register / "units" / "county-amr" / "authorities.yaml"
    auth.write_text(auth.read_text(encoding="utf-8").replace(
        "name: 对未取得食品经营许可从事食品经营活动的处罚", "name: 处罚<script>alert(1)</script>&“罚”", 1), encoding="utf-8")
    build_site(Register(base_register), tmp_path / "i", "internal", lint=False,
               events=[str(events / "penalty.csv"), str(events / "license.csv")])
    html = (tmp_path / "i" / "monitor.html").read_text(encoding="utf-8")
    svgs = re.findall(r'<svg class="tp-chart".*?</svg>', html, re.S)
    assert len(svgs) == 3  # all powers' whole cases, then each power's steps (in <details>)
    ids = re.findall(r'<(?:title|desc) id="([^"]+)"', html)
    assert len(ids) == len(set(ids)) == 6
    for svg in svgs:
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg and "<script" not in svg
    assert "处罚&lt;script&gt;alert(1)&lt;/script&gt;&amp;“罚”" in svgs[1] and "<script>alert" not in html
    assert "示例县市场监督管理局：全案办理时长" in svgs[0] and "CF-001 处罚&lt;script&gt;" in svgs[0]
    assert "S3 法制审核" in svgs[1] and "超时 2 件" in svgs[1] and 'class="tp-bar tp-over"' in svgs[1]
    assert html.count('<details class="tp-steps">') == 2
    assert "<td>跳过：立案</td>" in html and "<td>重复办理：调查取证</td>" in html
    assert "偏离流程的案件" in html and "14%" in html
