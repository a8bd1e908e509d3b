"""The ``escalate`` subcommand: complete a bundle's escalation form and check that it is ready to send."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ESCALATE_EPILOG = """\
The form file (JSON, or the same structure in TOML) holds the fields a person fills in, the workaround checklist
of every confirmed finding (status done or not_applicable, the result, and by: technician or end user), and what
support will need (status attached or not_available, with a note). Start from --print-template, which has the
tool's values already in.

exit codes:
  0  the form is ready to send (written beside the bundle as BUNDLE.escalation.txt/.md/.html/.json)
  3  the form is not ready yet: what is missing is printed, one item a line (the outputs are written anyway)
  1  the bundle or the form file cannot be used; the reason is printed on one line

examples:
  acronis-triage escalate d.zip --print-template > form.json      # fill form.json in an editor
  acronis-triage escalate d.zip --form form.json --profile acme    # partner details from the saved profile
  acronis-triage escalate d.zip --form form.json --save-profile acme
"""


def add_escalate_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "escalate", help="complete and check the escalation form of a bundle",
        description="Complete the escalation form of a bundle for Acronis Service Provider Support, check that it "
        "is ready (required fields, the troubleshooting checklist, the information support will need) and write it "
        "beside the bundle as plain text, Markdown, HTML and JSON.",
        epilog=ESCALATE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("bundle", type=Path, metavar="BUNDLE", help="an acronis-triage bundle (.zip or unpacked folder)")
    p.add_argument("--form", type=Path, metavar="FILE", help="the completed form file (JSON or TOML)")
    p.add_argument("--print-template", action="store_true",
                   help="print the form file to complete (JSON, with the tool's values in) and exit")
    p.add_argument("--profile", metavar="NAME", help="fill the partner fields from this saved profile")
    p.add_argument("--save-profile", metavar="NAME",
                   help="save the partner fields of the completed form as this profile (kept on this computer, "
                   "never put in a bundle)")
    p.add_argument("--json", action="store_true", help="print readiness as JSON instead of lines")
    p.set_defaults(handler=cmd_escalate)


def cmd_escalate(args: argparse.Namespace) -> int:
    from acronis_triage.app.escalate import (
        EXIT_NOT_READY,
        EXIT_READY,
        EscalateError,
        complete,
        load_form_file,
        load_profile,
        open_bundle,
        readiness,
        save_profile,
        template,
        write_outputs,
    )

    try:
        bundle = open_bundle(args.bundle)
        profile = load_profile(args.profile) if args.profile else None
        if args.print_template:
            data = template(bundle, complete(bundle, None, profile).form)
            json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
            sys.stdout.write("\n")
            return EXIT_READY
        answers = load_form_file(args.form) if args.form else None
        done = complete(bundle, answers, profile)
        missing = readiness(done)
        written = write_outputs(args.bundle, done, missing)
        saved = save_profile(args.save_profile, done.form) if args.save_profile else None
    except EscalateError as exc:
        print(f"acronis-triage: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"acronis-triage: cannot write the form beside the bundle: {exc.strerror or exc}", file=sys.stderr)
        return 1
    if args.json:
        json.dump({"ready": not missing, "missing": missing, "written": [str(p) for p in written],
                   "profile_saved": str(saved) if saved else None}, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        if missing:
            print(f"Not ready: {len(missing)} item(s) missing")
            for line in missing:
                print(f"  {line}")
        else:
            print("Ready to send: every required field is filled, every step is answered, and the information "
                  "support will need is in the bundle or accounted for.")
        print("Written: " + ", ".join(str(p) for p in written))
        if saved:
            print(f"Profile saved: {saved}")
    return EXIT_READY if not missing else EXIT_NOT_READY
