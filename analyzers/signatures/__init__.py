"""The KB signature database: schema, loader/validator, search patterns and per-event matching."""

from analyzers.signatures.loader import default_directory, load_signatures
from analyzers.signatures.matching import CompiledRule, matches
from analyzers.signatures.schema import Condition, Problem, Rule, Signature, SignatureSet

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
