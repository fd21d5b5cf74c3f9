# Runs the plugin from this folder when it is not installed (python3 -m pytest clients/python).
# An installed copy has already been loaded through its pytest11 entry point.
import sys

pytest_plugins = ["pytester"]
if "telnyx_harness.pytest_plugin" not in sys.modules:
    pytest_plugins.append("telnyx_harness.pytest_plugin")
