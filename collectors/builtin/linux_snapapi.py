"""SnapAPI, the Acronis snapshot kernel module: loaded or not, built by DKMS for which kernels, kernel
headers present, Secure Boot in the way (DOMAIN §1.3, §6.2). The top cause of failed Linux backups."""

from __future__ import annotations

from acronis_triage.collectors.base import Collector
from acronis_triage.collectors.builtin.linux_snapapi_state import (
    ACRONIS_MODULES,
    SNAPAPI,
    SnapapiState,
    diagnose,
    parse_dkms_status,
    parse_modinfo,
    parse_module_list,
    parse_secure_boot,
)
from acronis_triage.collectors.commands import QUICK_S, is_missing, problem_of, run_and_store, store_filtered
from acronis_triage.collectors.context import Context
from acronis_triage.collectors.runner import CommandResult


def _missing_file(result: CommandResult) -> bool:
    return b"No such file or directory" in result.stderr


class LinuxSnapapi(Collector):
    name = "linux_snapapi"
    title = "SnapAPI kernel module"
    description = ("Is snapapi26 loaded, built by DKMS for the running kernel, are kernel headers installed, "
                   "is Secure Boot on.")
    platforms = ("linux",)
    needs_live = True
    priority = 12
    timeout_s = 120.0
    expected_duration_s = 3.0
    tags = ("snapapi", "linux")

    def collect(self, ctx: Context) -> None:
        state = SnapapiState()
        release = ctx.run(("uname", "-r"), timeout=QUICK_S)
        state.kernel = release.text().strip() if release.ok else ""
        if not state.kernel:
            state.notes.append(f"running kernel unknown (uname -r: {problem_of(release)})")
        ctx.progress(0.1, "lsmod")
        self._loaded_modules(ctx, state)
        ctx.progress(0.3, "dkms status")
        dkms = run_and_store(ctx, ("dkms", "status"), "dkms_status.txt", timeout=QUICK_S * 2)
        state.dkms_available = not is_missing(dkms)
        if dkms.ok:
            state.dkms = parse_dkms_status(dkms.text())
        elif not state.dkms_available:
            state.notes.append("dkms is not installed, so no SnapAPI build is registered with it")
        ctx.progress(0.5, f"modinfo {SNAPAPI}")
        modinfo = run_and_store(ctx, ("modinfo", SNAPAPI), f"modinfo_{SNAPAPI}.txt", timeout=QUICK_S)
        if modinfo.ok:
            state.modinfo = parse_modinfo(modinfo.text())
            state.module_file_for_running_kernel = True
        elif not modinfo.error and b"not found" in modinfo.stderr:
            state.module_file_for_running_kernel = False
        ctx.progress(0.7, "kernel headers")
        if state.kernel:
            build = f"/lib/modules/{state.kernel}/build"
            # -L follows the symlink: a build link left behind by a removed headers package counts as missing.
            headers = run_and_store(ctx, ("ls", "-ldL", build), "kernel_headers.txt", timeout=QUICK_S)
            state.kernel_headers_installed = True if headers.ok else (False if _missing_file(headers) else None)
        ctx.progress(0.85, "Secure Boot")
        sb = run_and_store(ctx, ("mokutil", "--sb-state"), "mokutil_sb_state.txt", timeout=QUICK_S)
        if not sb.error:
            state.secure_boot = parse_secure_boot((sb.stdout + b"\n" + sb.stderr).decode("utf-8", "replace"))
        diagnose(state)
        ctx.writer.add_json("snapapi_state.json", state.to_json(), source="acronis-triage: SnapAPI diagnosis")
        ctx.progress(1.0, "done")

    @staticmethod
    def _loaded_modules(ctx: Context, state: SnapapiState) -> None:
        lsmod = run_and_store(ctx, ("lsmod",), "lsmod.txt", timeout=QUICK_S)
        if lsmod.ok:
            store_filtered(ctx, "lsmod_acronis.txt", lsmod, ACRONIS_MODULES, keep_header_lines=1)
            names, state.module_list_source = parse_module_list(lsmod.text()), "lsmod"
        else:
            # lsmod only formats /proc/modules; without kmod installed the file still answers.
            proc = run_and_store(ctx, ("cat", "/proc/modules"), "proc_modules.txt", timeout=QUICK_S)
            if proc.ok:
                names, state.module_list_source = parse_module_list(proc.text()), "/proc/modules"
            elif _missing_file(proc):
                names, state.module_list_source = set(), "none"
                state.notes.append("/proc/modules does not exist: this kernel has no loadable-module support, "
                                   "so no kernel module (SnapAPI included) can be loaded")
            else:
                state.notes.append(f"no module list: lsmod: {problem_of(lsmod)}; /proc/modules: {problem_of(proc)}")
                return
        state.loaded_acronis_modules = sorted(n for n in names if ACRONIS_MODULES.search(n))
        state.snapapi26_loaded = SNAPAPI in names
        state.file_protector_loaded = "file_protector" in names
