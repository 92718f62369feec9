"""The thin Telegram adapter: PTB handlers, keyboards, callback codec, jobs."""
