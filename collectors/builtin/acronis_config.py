"""Acronis settings files: aakore.yaml, http-proxy.yaml, BackupAndRecovery.config, MMS.config, Global.config,
backup location definitions, True Image task scripts, the management server's api_gateway.json.

Taken whole (never cut); the bundle writer masks their passwords (the Acronis `<value name="Password">` and
scheme-less `http-proxy: login:password@host` forms included, see collectors/redact.py). Where they are is the
settings rows of the locations table (collectors/acronis_locations.py); ``index.json`` says what each file is.
"""

from __future__ import annotations

from acronis_triage.collectors.acronis_locations import CONFIG, LOCATIONS
from acronis_triage.collectors.base import Collector
from acronis_triage.collectors.declarative import Files


class AcronisConfig(Collector):
    name = "acronis_config"
    title = "Acronis settings"
    description = "Acronis agent, proxy, backup location and management server settings files (secrets masked)."
    priority = 20
    timeout_s = 120.0
    tags = ("config", "acronis")
    files = tuple(Files.at(location) for location in LOCATIONS if location.kind == CONFIG)
    file_index = True
    nothing_found = "no Acronis settings files found in the known folders of this system"
