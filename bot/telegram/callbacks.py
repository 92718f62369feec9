"""The adapter's name for the shared callback-data codec (`bot.callbacks`).

The codec is transport-free so services can build button data without importing the adapter;
handlers keep importing it from here.
"""

from bot.callbacks import MAX_BYTES, Callback, CallbackDataError, pack, pattern, unpack

__all__ = ["MAX_BYTES", "Callback", "CallbackDataError", "pack", "pattern", "unpack"]
