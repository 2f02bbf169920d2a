"""Pure domain core: codes, signatures, policy and verdicts. No clocks, files or sockets here."""
