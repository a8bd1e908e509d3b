"""The guided mode: a window an end user follows alone, in a few big steps and plain words
(``acronis-triage gui --guided --preset NAME --case-id ID``). `presets` and `save` hold no Qt."""
