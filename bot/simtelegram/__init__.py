"""An in-process stand-in for the Telegram Bot API, driven by the real PTB `Application`.

Used by the test suite, `qiao demo` and the benchmarks: `SimTelegram().request()` plugs into
`ApplicationBuilder().request(...)`, so nothing goes over the network. See
docs/simulated-telegram.md.
"""

from bot.simtelegram.faults import Fault, SimulatedCrash
from bot.simtelegram.model import ApiCall, SimButton, SimChat, SimMessage, SimUser, UploadedFile
from bot.simtelegram.request import SimRequest
from bot.simtelegram.server import SimTelegram

__all__ = [
    "ApiCall",
    "Fault",
    "SimButton",
    "SimChat",
    "SimMessage",
    "SimRequest",
    "SimTelegram",
    "SimUser",
    "SimulatedCrash",
    "UploadedFile",
]
