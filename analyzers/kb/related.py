"""Never silent on an error: what an error no signature confirms is given instead.

Each unmatched error template gets its codes decoded (with the message Acronis documents for the code and the
module's component, where known), the Acronis error-code lookup link when it has an Acronis code, and the KB
articles most like it from the shipped index, marked "possibly related" and kept apart from confirmed findings.
"""

from __future__ import annotations

from acronis_triage.analyzers.model import AnalysisResult, DecodedCode, RelatedArticle, UnmatchedTemplate

MAX_TEMPLATES_SEARCHED = 50  # the templates a result keeps; each search costs ~1 ms
RELATED_PER_ERROR = 3


def decode(text: str) -> tuple[list[DecodedCode], str | None]:
    """The codes of an error text, each in words, and the lookup link built from its Acronis chain."""
    from acronis_triage.analyzers.codes import describe, keys_of, text_keys
    from acronis_triage.analyzers.errorcodes import errorcode_url, find_codes
    from acronis_triage.analyzers.kb.catalogue import code_info, module_info

    chain = find_codes(text)
    keys: list[str] = []
    for code in chain:
        keys.extend(k for k in keys_of(code) if k not in keys)
    keys.extend(k for k in text_keys(text) if k not in keys)
    out = []
    for key in keys:
        info = code_info(key)
        component = ""
        if key.startswith("acr:"):
            module = int(key[4:], 16) >> 16
            mod = module_info(module)
            component = mod.component if mod else ""
        out.append(DecodedCode(key, describe(key), info.message if info else "", component,
                               info.url if info else ""))
    acronis = [c for c in chain if c.module is not None or c.code >= 0x80000000]
    lookup = errorcode_url(acronis) if any(c.module is not None for c in acronis) else None
    return out, lookup


def attach(result: AnalysisResult, index=None) -> None:  # type: ignore[no-untyped-def]
    """Decode and search for every unmatched template (the most frequent first), and collect the answers in
    ``result.related``. A missing or broken index only leaves the related lists empty."""
    if not result.unmatched:
        return
    if index is None:
        try:
            from acronis_triage.analyzers.kb.index import load_index

            index = load_index()
        except Exception as exc:  # noqa: BLE001 - the findings must not be lost over the index
            result.signature_problems.append(f"KB index could not be loaded: {type(exc).__name__}: {exc}")
            index = None
    confirmed = {kb.number for f in result.findings for kb in f.kb}
    for template in result.unmatched[:MAX_TEMPLATES_SEARCHED]:
        text = _question(template)
        template.codes, template.lookup_url = decode(text)
        if index is None:
            continue
        for match in index.search(text, RELATED_PER_ERROR, exclude=confirmed):
            article = match.article
            related = RelatedArticle(article.number, article.title or article.summary[:160], article.url,
                                     match.score, article.kind,
                                     article.source)
            template.related.append(related)
            result.related.append((related, template))


def _question(template: UnmatchedTemplate) -> str:
    parts = [template.context or (template.example.text if template.example else template.template)]
    if template.context and template.example and template.example.text not in template.context:
        parts.append(template.example.text)
    return "\n".join(parts)
