"""Built-in collectors; every module here is discovered by `collectors.registry`."""
