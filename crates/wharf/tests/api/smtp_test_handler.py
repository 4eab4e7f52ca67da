"""aiosmtpd handler for wharf's tests: stores every message in a Maildir, like
aiosmtpd.handlers.Mailbox, but refuses recipients whose address starts with "refuse" (550)
while a file REFUSE exists beside the Maildir, and, when WHARF_TEST_SMTP_DELAY_SECS is set, waits that long before answering DATA (so a test
can kill a sender mid-send)."""

import asyncio
import os

from aiosmtpd.handlers import Mailbox


class TestMailbox(Mailbox):
    @classmethod
    def from_cli(cls, parser, *args):
        return cls(args[0])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        refusing = os.path.exists(os.path.join(os.path.dirname(self.mail_dir), "REFUSE"))
        if refusing and address.lower().startswith("refuse"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        delay = float(os.environ.get("WHARF_TEST_SMTP_DELAY_SECS", "0"))
        if delay:
            await asyncio.sleep(delay)
        return await super().handle_DATA(server, session, envelope)
