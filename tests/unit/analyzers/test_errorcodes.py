"""Error-code arithmetic against the verified pairs of DOMAIN.md §2.3."""

from __future__ import annotations

import pytest

from acronis_triage.analyzers.errorcodes import (
    errorcode_url,
    find_codes,
    from_composite,
    pair_code,
    parse_decimal,
    parse_mms_code,
    parse_sercode,
    parse_xml_code,
    root_cause,
    sercode,
    split_code,
)
from acronis_triage.analyzers.model import ErrorCode


@pytest.mark.parametrize(
    ("composite", "module", "code"),
    [
        (0x01350016, 309, 22),
        (0x01C90009, 457, 9),
        (20119593, 307, 41),
        (10551508, 161, 212),
        (0x101F8, 1, 504),
        (0x00950505, 0x95, 0x505),
    ],
)
def test_split_code_verified_pairs(composite: int, module: int, code: int) -> None:
    assert split_code(composite) == (module, code)
    assert ErrorCode(module, code).composite == composite


def test_decimal_and_hex_forms_agree() -> None:
    assert 20250646 == 0x01350016
    assert 20119593 == 0x01330029
    assert 10551508 == 0x00A100D4
    assert ErrorCode(309, 22).hex == "0x01350016"


def test_parse_sercode_outer_to_inner() -> None:
    chain = parse_sercode("0x01350016+0x01350016+0x01C90009")
    assert [(c.module, c.code) for c in chain] == [(309, 22), (309, 22), (457, 9)]


def test_parse_sercode_url_encoded_and_os_part() -> None:
    chain = parse_sercode("0x015D06B1%2B0x00070021+0x0000FFF0+0x80070032")
    assert chain[0] == ErrorCode(0x15D, 0x06B1)
    assert chain[1] == ErrorCode(7, 0x21)
    assert chain[2] == ErrorCode(0, 0xFFF0)
    assert chain[3] == ErrorCode(None, 0x80070032)


def test_parse_sercode_skips_garbage() -> None:
    assert parse_sercode("nonsense") == []
    assert parse_sercode("0x01350016+0xZZ") == [ErrorCode(309, 22)]


def test_xml_code_forms() -> None:
    assert parse_xml_code("20,250,682(0x135003A)", "309") == ErrorCode(309, 0x3A)
    assert parse_xml_code("66,040(0x101F8)", "1") == ErrorCode(1, 504)
    assert parse_xml_code("0(0x0)", "0") is None
    assert parse_xml_code("66.040", "1") == ErrorCode(1, 504)
    # A bare code below 0x10000 takes its module from the attribute.
    assert parse_xml_code("504", "1") == ErrorCode(1, 504)
    assert parse_xml_code("garbage", "1") is None


def test_decimal_separators() -> None:
    assert parse_decimal("20,250,682") == 20250682
    assert parse_decimal("20.250.682") == 20250682
    assert parse_decimal("20\u00a0250\u00a0682") == 20250682
    assert parse_decimal("abc") is None


def test_mms_code() -> None:
    assert parse_mms_code("00950505") == ErrorCode(0x95, 0x505)
    assert parse_mms_code("00000000") is None


def test_os_codes_are_kept_whole() -> None:
    assert from_composite(0x80070005) == ErrorCode(None, 0x80070005)
    assert from_composite(0x8004230F).hex == "0x8004230F"
    assert from_composite(0xC0000005).module is None


def test_pair_code_without_module_is_decimal_composite() -> None:
    assert pair_code(20250646, None) == ErrorCode(309, 22)
    assert pair_code(22, 309) == ErrorCode(309, 22)


def test_root_cause_skips_wrappers() -> None:
    chain = parse_sercode("0x01350016+0x01350016+0x01C90009")
    assert root_cause(chain) == ErrorCode(457, 9)


def test_root_cause_os_code_behind_fff0() -> None:
    chain = parse_sercode("0x015D06B1+0x00070021+0x0010C448+0x00000009+0x00000032+0x0000FFF0+0x80070032")
    assert root_cause(chain) == ErrorCode(None, 0x80070032)


def test_root_cause_fff0_without_os_code_is_itself() -> None:
    chain = [ErrorCode(0x95, 0x505), ErrorCode(0, 0xFFF0, "Access is denied")]
    assert root_cause(chain) == ErrorCode(0, 0xFFF0, "Access is denied")


def test_root_cause_all_wrappers_and_empty() -> None:
    assert root_cause([ErrorCode(309, 22), ErrorCode(307, 41)]) == ErrorCode(307, 41)
    assert root_cause([]) is None
    assert root_cause([ErrorCode(0, 0)]) is None


def test_root_cause_inner_wrapper_skipped() -> None:
    chain = [ErrorCode(0x95, 0x505), ErrorCode(329, 2)]
    assert root_cause(chain) == ErrorCode(0x95, 0x505)


def test_errorcode_url() -> None:
    expected = "https://kb.acronis.com/errorcode?ser=0x01350016%2B0x01350016%2B0x01C90009"
    assert errorcode_url("0x01350016+0x01350016+0x01C90009") == expected
    assert errorcode_url(parse_sercode("0x01350016+0x01350016+0x01C90009")) == expected
    assert errorcode_url([ErrorCode(1, 501), ErrorCode(4, 9)]).endswith("ser=0x000101F5%2B0x00040009")
    assert sercode([ErrorCode(309, 22), ErrorCode(None, 0x80070005)]) == "0x01350016+0x80070005"


def test_find_codes_sercode_in_url() -> None:
    text = '"kb_link":"https://kb.acronis.com/errorcode?ser=0x01350016%2B0x01350016%2B0x00FC0001"'
    assert [c.hex for c in find_codes(text)] == ["0x01350016", "0x01350016", "0x00FC0001"]


def test_find_codes_mms_line_keeps_text() -> None:
    line = "2018-08-16T22:04:16:969-03:00 10060 E00950505: Error 0x950505: An attempt to fix VSS errors has failed."
    codes = find_codes(line)
    assert codes == [ErrorCode(0x95, 0x505, "An attempt to fix VSS errors has failed.")]


def test_find_codes_detail_block() -> None:
    text = (
        "| error 0x11e000d: Failed to stop service 'Cryptographic Services'.\n| error 0xfff0: Access is denied\n"
        "| code: 0x80070005\n"
    )
    assert find_codes(text) == [
        ErrorCode(0x11E, 0xD, "Failed to stop service 'Cryptographic Services'."),
        ErrorCode(0, 0xFFF0, "Access is denied"),
        ErrorCode(None, 0x80070005),
    ]


def test_find_codes_console_pairs_and_localized() -> None:
    text = "Error code: 22\nModule: 309\nLineInfo: 0x8D165E86FB819597\n------\nError code: 9\nModule: 457\n"
    assert find_codes(text) == [ErrorCode(309, 22), ErrorCode(457, 9)]
    assert find_codes("Código de error: 20250646") == [ErrorCode(309, 22)]
    assert find_codes("Fehlercode: 41\nModul: 307") == [ErrorCode(307, 41)]
    assert find_codes("Codice errore : 212\nModulo: 161") == [ErrorCode(161, 212)]
    assert find_codes("エラーコード: 22\nモジュール: 309") == [ErrorCode(309, 22)]
    assert find_codes('Error code: 10001, Module: 20, Fields: {"EventID":"1000"}') == [ErrorCode(20, 10001)]


def test_find_codes_os_forms() -> None:
    assert find_codes("Access is denied (0x80070005)") == [ErrorCode(None, 0x80070005)]
    assert find_codes("hr = 0x8004230f, The shadow copy provider had an unexpected error") == [
        ErrorCode(None, 0x8004230F)
    ]
    assert find_codes("Image corrupted (0x70020) Tag = 0xF5F8CBCF76155638") == [ErrorCode(7, 0x20)]
    assert find_codes("    Error: 0x1510008") == [ErrorCode(0x151, 0x8)]


def test_find_codes_ignores_line_tags_and_plain_text() -> None:
    assert find_codes("| line: 0xd0e6a7e799674295") == []
    assert find_codes("nothing to see, 1603 items") == []
