"""Run a file of pcs command lines in one Python process.

    python3 -Es pcs-batch.py COMMANDS

Each line of COMMANDS is one shell-quoted command line starting with "pcs"
(blank lines and # comments are skipped); an argument that is exactly $CIB
is replaced by the value of the environment variable CIB. Every line goes through pcs's own
entry point, pcs.app.main, so parsing and the metadata checks are exactly those
of the pcs command; only the 0.5 s start-up of pcs is paid once instead of
once per command. Stops at the first command that fails and exits with its
status. If pcs cannot be imported (another pcs layout), each line is run as a
separate `pcs` process instead.
"""
import os
import shlex
import subprocess
import sys


def main():
    lines = []
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.lstrip().startswith("#"):
                argv = shlex.split(line)
                if argv[0] != "pcs":
                    sys.exit(f"pcs-batch: not a pcs command: {line.strip()}")
                lines.append([os.environ["CIB"] if a == "$CIB" else a for a in argv])
    try:
        from pcs import app  # pylint: disable=import-outside-toplevel
    except ImportError:
        app = None
    for argv in lines:
        print("+ " + shlex.join(argv), flush=True)
        if app is None:
            rc = subprocess.call(argv)
        else:
            try:
                app.main(argv[1:])
                rc = 0
            except SystemExit as e:
                rc = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            sys.stdout.flush()
            sys.stderr.flush()
        if rc != 0:
            print(f"pcs-batch: failed ({rc}): {shlex.join(argv)}", file=sys.stderr)
            sys.exit(rc)


if __name__ == "__main__":
    main()
