#!/usr/bin/env bash
# Webhook isolation through telnyx-mock (default flags): while tenant A's 200 messages go to a
# blackholed webhook URL and 20 to one that drips its answer, tenant B's message.sent must arrive
# within 1 s. Usage: [HOLE=200] [DRIP=20] [PROBES=5] bench/webhook/isolation.sh
source "$(dirname "$0")/../transport/common.sh"
start_mock webhook-iso
python3 "$(dirname "$0")/isolation.py" "$mock_url" "${HOLE:-200}" "${DRIP:-20}" "${PROBES:-5}"
