"""Caps on what one input may cost: received archives and compressed logs are hostile until proven otherwise.

Every container kind (zip, 7z, gzip, an archive nested in a zip) is read as a stream under the same caps: the
uncompressed size of one member and of one archive, the member count, the compression ratio (a bomb expands
thousands of times; logs rarely more than a hundred) and the memory a decompressor may ask for. What a cap stops
is reported with the reason, never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    member_bytes: int = 1024 * 2**20  # one uncompressed member (or gzip stream)
    total_bytes: int = 8 * 2**30  # all members of one archive
    members: int = 50_000
    ratio: int = 200  # uncompressed / compressed, beyond which data is treated as a bomb
    ratio_floor: int = 16 * 2**20  # small data may compress very well (logs of repeated lines)
    nested_bytes: int = 512 * 2**20  # a nested archive is spooled to a temporary file
    stdin_bytes: int = 512 * 2**20
    decoder_memory: int = 256 * 2**20  # LZMA dictionary / PPMd model a 7z or zip member may ask for

    def expansion_cap(self, compressed: int) -> int:
        """How many bytes data of this compressed size may expand to before it counts as a bomb."""
        return min(self.member_bytes, max(self.ratio_floor, self.ratio * max(compressed, 1)))


DEFAULT_LIMITS = Limits()


def mib(n: int) -> str:
    return f"{n / 2**20:.0f} MiB" if n >= 2**20 else f"{n} bytes"
