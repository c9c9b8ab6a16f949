"""Test-side compatibility shim for the benchmarks (heartbeat-tests/bench), not
part of lifeboat. The benchmarks copy it as sitecustomize.py into a private
directory that they put first on PYTHONPATH when they run the peers.

Debian 12's Python 3.11 no longer has inspect.getargspec, which fence-agents
4.12's fence_compute and fence_evacuate call before any Nova request. This
gives it back, built from inspect.getfullargspec with the old result type
(args, varargs, keywords, defaults). Nothing under /usr is changed.
"""

import collections
import inspect

if not hasattr(inspect, "getargspec"):
    ArgSpec = collections.namedtuple("ArgSpec", "args varargs keywords defaults")

    def getargspec(func):
        spec = inspect.getfullargspec(func)
        return ArgSpec(spec.args, spec.varargs, spec.varkw, spec.defaults)

    inspect.ArgSpec = ArgSpec
    inspect.getargspec = getargspec
