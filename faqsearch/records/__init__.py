"""The typed frozen records that flow through the engine: passages, channels, hits and answers."""
