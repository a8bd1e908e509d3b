"""The KB signature database: schema, loader/validator, search patterns and per-event matching."""

from acronis_triage.analyzers.signatures.loader import default_directory, load_signatures
from acronis_triage.analyzers.signatures.matching import CompiledRule, matches
from acronis_triage.analyzers.signatures.schema import Condition, Problem, Rule, Signature, SignatureSet

__all__ = [
    "CompiledRule",
    "Condition",
    "Problem",
    "Rule",
    "Signature",
    "SignatureSet",
    "default_directory",
    "load_signatures",
    "matches",
]
