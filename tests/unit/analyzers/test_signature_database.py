"""The shipped KB signature database (resources/signatures/): loads clean, cites only real KB numbers, covers
every known issue of DOMAIN.md §4 and the VSS codes of §4.1, and every sample behaves as its signature says.

The sample tests run each sample through the whole analysis path (format detection, parser, prefilter,
confirmation, min_count/window) and look for the finding, so a failure names the signature and the sample.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import yaml

from acronis_triage.analyzers.analyze import analyze_sources
from acronis_triage.analyzers.kb.index import load_index
from acronis_triage.analyzers.model import LogSource
from acronis_triage.analyzers.signatures import Signature, SignatureSet, default_directory, load_signatures

# Every KB number the database cites, in its kb lists or its text, must be in the shipped KB index
# (resources/kb/articles/), where each article carries the address of the page it was read from.
INDEX = load_index()
KB_MENTION = re.compile(
    r"\bKB ?#?(\d{3,6})\b|kb\.acronis\.com/(?:\w\w/)?content/(\d+)|care\.acronis\.com/s/article/(\d+)")

# DOMAIN.md §4 row -> (signatures that cover it, KB numbers the row names that those signatures must cite).
KNOWN_ISSUES: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {
    1: (("vss-system-writer-timeout",), ("61714",)),
    2: (("vss-unexpected-provider-error",), ("60226",)),
    3: (("vss-third-party-provider-error",), ("36200",)),
    4: (("vss-provider-request-unsupported",), ("36200",)),
    5: (("vss-insufficient-shadow-storage",), ()),
    6: (("vss-flush-writes-timeout",), ()),
    7: (("vss-fix-attempt-access-denied",), ()),
    8: (("vss-snapshot-set-in-progress",), ("68822",)),
    9: (("hypervisor-vss-snapshot-failed",), ("62369",)),
    10: (("linux-snapapi-not-loaded",), ("41283", "68870", "1556")),
    11: (("linux-snapapi-build-failed",), ("67148", "55052", "1556")),
    12: (("linux-kernel-source-missing",), ("61451", "1556")),
    13: (("linux-fixed-volumes-not-found",), ("63266",)),
    14: (("linux-snapapi-module-wrong-kernel",), ("63737",)),
    15: (("connectivity-port-44445-blocked",), ("60593", "47189", "47678")),
    16: (("connectivity-management-server-timeout",), ("47678",)),
    17: (("registration-mms-not-listening",), ("61805",)),
    18: (("registration-already-registered",), ("61454",)),
    19: (("registration-unintended-tenant-change",), ()),
    20: (("registration-unknown-ca",), ()),
    21: (("registration-random-bytes-failed",), ("63198",)),
    22: (("registration-access-denied",), ("70360",)),
    23: (("connectivity-agent-offline",), ("57601", "55244", "47678", "47189", "59057", "62569")),
    24: (("services-agent-core-unreachable",), ("67900",)),
    25: (("services-aakore-yaml-corrupted",), ("69855",)),
    26: (("services-mms-start-failure", "services-mms-cannot-bind", "services-mms-scheduler-dependency"),
         ("56202", "45631", "63212", "69867")),
    27: (("services-activity-failed-service-restart",), ("61650",)),
    28: (("quota-cloud-storage-exceeded",), ("61674", "59047", "70686")),
    29: (("quota-no-disk-space",), ("62177", "68475")),
    30: (("quota-resource-exceeded-alert", "quota-exceeded-without-cloud", "quota-device-no-quota",
          "license-plan-revoked", "license-not-assigned"), ("60311", "60443", "63788", "69323", "61517")),
    31: (("connectivity-cloud-storage-unavailable",), ("69783", "70619")),
    32: (("connectivity-network-operation-timeout",), ("47678",)),
    33: (("certificates-tls-verify-cloud", "certificates-update-ssl-peer-not-ok"), ("70692", "70615")),
    34: (("certificates-storage-gateway-expired",), ("57417",)),
    35: (("certificates-cloud-access-denied",), ("60082", "67790")),
    36: (("credentials-access-denied-bitdefender",), ("65313",)),
    37: (("credentials-access-denied-20250646",), ("70057",)),
    38: (("disk-path-not-found-0x80070003",), ("65553",)),
    39: (("credentials-user-password-incorrect", "credentials-network-share-incorrect",
          "credentials-location-not-specified", "credentials-account-expired"), ("60586", "63306", "62227", "67884")),
    40: (("network-path-not-found", "network-resolve-hostname-failed", "network-files-not-found"),
         ("61908", "61913", "62202")),
    41: (("sql-no-writers",), ("60241",)),
    42: (("app-resolve-item-by-reference",), ("61147",)),
    43: (("exchange-credentials-1802",), ("61092",)),
    44: (("sql-metadata-tls12",), ("63179",)),
    45: (("sql-path-double-slash", "sql-path-trailing-spaces"), ("61548", "63201")),
    46: (("sql-full-backup-not-found",), ("56202",)),
    47: (("backup-expression-test-failed",), ("61698",)),
    48: (("disk-misc-local-file-io", "disk-specified-file-not-exist"), ("64988", "62640")),
    49: (("retention-lock-file-unsupported-uri", "retention-cannot-free-space"), ("60572", "60606")),
    50: (("disk-snapshot-read-bad-block",), ("63323",)),
    51: (("disk-ntfs-metadata-corrupted",), ("42708",)),
    52: (("update-unexpected-installer-stop", "update-download-failed", "update-windows-installer-inaccessible",
          "update-copy-files-failed", "install-ngscan-filter-driver"), ("70698", "70702", "70707", "70732", "70711")),
    53: (("install-msi-1603-pending-reboot",), ("59045", "1647")),
    54: (("services-cyber-protection-not-responding",), ("64970",)),
    55: (("cpanel-mount-recovery-point-failed",), ("61940",)),
    56: (("ti-image-corrupted",), ()),
}

# DOMAIN.md §4.1: every meaningful VSS_E_* HRESULT has a signature with a `code:` condition for it.
VSS_CODES = (
    0x80042301, 0x80042302, 0x80042304, 0x80042306, 0x8004230C, 0x8004230E, 0x8004230F, 0x80042313, 0x80042314,
    0x80042315, 0x80042316, 0x80042317, 0x80042318, 0x80042319, 0x8004231E, 0x8004231F, 0x80042328, 0x80042329,
    0x800423F0, 0x800423F1, 0x800423F2, 0x800423F3, 0x800423F4,
)

# Localized console-block "Error code:" labels of DOMAIN.md §2.2 (DE, IT, FR, ES, JA).
LOCALIZED_LABELS = re.compile(r"^(?:Fehlercode|Codice errore|Code d'erreur|Código de error|エラーコード)\s*:", re.M)
MIN_LOCALIZED_SIGNATURES = 8
MIN_SIGNATURES = 60

_SIGSET = load_signatures()
_IDS = sorted(s.id for s in _SIGSET.signatures)


@pytest.fixture(scope="module")
def sigset() -> SignatureSet:
    return _SIGSET


def _raw_documents() -> list[tuple[Path, dict]]:
    docs = []
    for path in sorted(default_directory().rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for doc in data["signatures"] if isinstance(data, dict) and "signatures" in data else [data]:
            docs.append((path, doc))
    return docs


def _findings(sigset: SignatureSet, sample: str, engine: str) -> set[str]:
    data = sample.encode("utf-8")
    source = LogSource(name="sample.log", open=lambda: io.BytesIO(data), size=len(data))
    result = analyze_sources([source], sigset, use_hyperscan=engine == "hyperscan")
    assert not result.skipped, f"sample not analyzed: {[s.to_json() for s in result.skipped]}"
    return {f.signature for f in result.findings}


def _signature(sigset: SignatureSet, sig_id: str) -> Signature:
    return sigset.by_id()[sig_id]


def test_database_loads_without_problems(sigset: SignatureSet) -> None:
    assert [str(p) for p in sigset.problems] == []
    assert len(sigset) >= MIN_SIGNATURES


def test_ids_are_unique_kebab_case_and_name_their_file() -> None:
    docs = _raw_documents()
    ids = [doc["id"] for _, doc in docs]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert len(ids) == len(_IDS), "the loader dropped signatures that are in the files"
    for path, doc in docs:
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)+", doc["id"]), doc["id"]
        assert path.stem == doc["id"], f"{path.name} holds {doc['id']}"
        assert "kb" in doc, f"{doc['id']}: kb missing (write kb: [] when DOMAIN.md gives none)"


def test_every_kb_number_is_in_the_shipped_kb_index(sigset: SignatureSet) -> None:
    unknown = {(s.id, k.number) for s in sigset.signatures for k in s.kb if k.number not in INDEX.by_number}
    assert unknown == set()


def test_no_kb_number_in_signature_text_is_untraceable() -> None:
    """A KB number named in a description or a workaround step must be one the index knows too."""
    unknown = set()
    for path in sorted(default_directory().rglob("*.yaml")):
        for m in KB_MENTION.finditer(path.read_text(encoding="utf-8")):
            number = next(g for g in m.groups() if g)
            if number not in INDEX.by_number:
                unknown.add((path.name, number))
    assert unknown == set()


def test_every_kb_reference_has_a_link_and_a_title_where_one_was_read(sigset: SignatureSet) -> None:
    for sig in sigset.signatures:
        for kb in sig.kb:
            assert kb.url.startswith(("https://kb.acronis.com/", "https://care.acronis.com/")), (sig.id, kb.url)
            assert kb.number in kb.url, (sig.id, kb.url)
            article = INDEX.by_number[kb.number]
            if article.title:
                assert kb.title.strip(), f"{sig.id}: KB {kb.number} without the title its page gives"
            if kb.title:  # the article's own title, never a note or a paraphrase of ours
                assert kb.title in (article.title, *article.titles), (sig.id, kb.number, kb.title)


def test_every_signature_is_usable_by_a_technician(sigset: SignatureSet) -> None:
    for sig in sigset.signatures:
        assert sig.description.strip() and sig.cause.strip(), sig.id
        assert len(sig.workaround) >= 1 and all(step.strip() for step in sig.workaround), sig.id
        assert len(sig.information_needed) >= 1, sig.id
        assert sig.positive and sig.negative, f"{sig.id}: needs at least one positive and one negative sample"


def test_every_known_issue_of_domain_md_is_covered(sigset: SignatureSet) -> None:
    by_id = sigset.by_id()
    assert sorted(KNOWN_ISSUES) == list(range(1, 57))
    for row, (ids, kbs) in KNOWN_ISSUES.items():
        missing = [i for i in ids if i not in by_id]
        assert not missing, f"DOMAIN.md §4 row {row}: no signature {missing}"
        cited = {k.number for i in ids for k in by_id[i].kb}
        traceable = {k for k in kbs if k in INDEX.by_number}  # the others were never read: left out (issue 7)
        assert traceable <= cited, f"DOMAIN.md §4 row {row}: KB {sorted(traceable - cited)} not cited"


def test_every_vss_code_has_a_code_condition(sigset: SignatureSet) -> None:
    covered = {c.composite for s in sigset.signatures for c in (*s.rule.any, *s.rule.all) if c.kind == "code"}
    assert [f"0x{c:08X}" for c in VSS_CODES if c not in covered] == []


def test_localized_console_blocks_are_sampled(sigset: SignatureSet) -> None:
    localized = {s.id for s in sigset.signatures if any(LOCALIZED_LABELS.search(p) for p in s.positive)}
    assert len(localized) >= MIN_LOCALIZED_SIGNATURES, sorted(localized)


@pytest.fixture(params=["hyperscan", "re"])
def engine(request: pytest.FixtureRequest) -> str:
    """Both prefilters the engine has: the sample verdicts must not depend on which one runs."""
    if request.param == "hyperscan":
        pytest.importorskip("hyperscan")
    return request.param


@pytest.mark.parametrize("sig_id", _IDS)
def test_positive_samples_yield_the_finding(sigset: SignatureSet, sig_id: str, engine: str) -> None:
    sig = _signature(sigset, sig_id)
    for i, sample in enumerate(sig.positive):
        assert sig_id in _findings(sigset, sample, engine), f"{sig_id}: samples.positive[{i}] gave no finding"


@pytest.mark.parametrize("sig_id", _IDS)
def test_negative_samples_do_not_yield_the_finding(sigset: SignatureSet, sig_id: str, engine: str) -> None:
    sig = _signature(sigset, sig_id)
    for i, sample in enumerate(sig.negative):
        assert sig_id not in _findings(sigset, sample, engine), f"{sig_id}: samples.negative[{i}] gave the finding"


def test_a_sample_with_another_message_gives_no_finding(sigset: SignatureSet) -> None:
    """The sample runner itself can say no: an unrelated healthy line yields nothing."""
    line = "2018-08-16T22:01:06:581-03:00 10060 I000101FA: Locking partition C:...\n"
    assert _findings(sigset, line, "re") == set()
