"""An in-process stand-in for the Telegram Bot API, driven by the real PTB `Application`.

Not production code (the import contract keeps production code from importing it): the
simulated Bot API, the `harness` that runs the real bot against it on a manual clock, and
`seed`, the one family seeder. Used by the test suite, `qiao demo`, the soak and the
benchmarks: `SimTelegram().request()` plugs into
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
