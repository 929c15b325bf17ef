"""dbgov.cloud local cloud emulator (test-only): see README.md."""
