#!/usr/bin/env bash
# (c) Isolation: IDLE (5,000) idle keep-alive connections and TRICKLE (1,000) connections that
# trickle header bytes are open while legitimate requests are timed (goal: answered within 250 ms).
# Default telnyx-mock flags. Usage: [IDLE=5000] [TRICKLE=1000] [PROBES=20] bench/transport/isolation.sh
source "$(dirname "$0")/common.sh"
start_mock iso
python3 "$here/isolation.py" "$mock_url" "${IDLE:-5000}" "${TRICKLE:-1000}" "${PROBES:-20}"
