"""The battery's own checks catch what they are there to catch: a page that passes them with a
payload in it has it escaped, not merely somewhere else. (No request to the desk: not counted as
cases.)"""

from __future__ import annotations

import pytest
from django.utils.html import escape

from tests.security.battery import assert_inert, assert_shown, assert_spreadsheet_safe

PAYLOAD = '"><img src=x onerror=alert("zqcheck1")>'


def test_an_escaped_payload_passes():
    html = f'<p>{escape(PAYLOAD)}</p><input value="{escape(PAYLOAD)}"><a href="/claims/?tag={escape(PAYLOAD)}">x</a>'
    assert_inert(html, PAYLOAD)
    assert_shown(html, PAYLOAD)


@pytest.mark.parametrize(
    "html",
    [
        f"<p>{PAYLOAD}</p>",  # not escaped at all
        '<p title="zqcheck1" onclick="x()">a</p>',  # a handler next to typed text
        '<img src="https://example.org/zqcheck1.png">',  # typed text inside an active element
        "<a href=\"javascript:alert('zqcheck1')\">a</a>",  # typed text made a script link
        '<div data-x="zqcheck1" hx-get="/admin/">a</div>',  # typed text in an attribute of its own
        "<script>var a = 'zqcheck1';</script>",  # an inline script
        '<script type="application/ld+json">{"a": "</b>zqcheck1"}</script>',  # JSON-LD with a raw <
    ],
)
def test_injected_markup_fails(html):
    with pytest.raises(AssertionError):
        assert_inert(html, PAYLOAD)


def test_a_payload_shown_raw_is_not_shown_escaped():
    with pytest.raises(AssertionError):
        assert_shown(f"<p>{PAYLOAD}</p>", PAYLOAD)


@pytest.mark.parametrize("cell", ['=HYPERLINK("https://evil.example")', "+1", "-1+1", "@SUM(A1)", "\tx", "\rx"])
def test_a_formula_cell_fails(cell):
    with pytest.raises(AssertionError):
        assert_spreadsheet_safe(f'claim_id,claim\r\n1,"{cell}"\r\n')


def test_a_defused_cell_passes():
    assert assert_spreadsheet_safe("claim_id,claim\r\n1,'=HYPERLINK(1)\r\n")[1] == ["1", "'=HYPERLINK(1)"]
