"""
Channel shift: what a council saves a year when contacts move to cheaper channels.

For each move of `contacts` contacts a year from channel A to channel B:

    saving = contacts × (cost of a contact on A − cost of a contact on B)

and the annual saving is the sum over the moves. Costs are per contact in pounds; the defaults
are the averages a SOCITM survey estimated for local government, as quoted by NLGN's report on
digital councils for O2 (seed 003, `shared/seeds/003_b40883210ff7a134.txt`, citing O2, *Giving
the Public What They Want: O2 Digital Communities Report 2013*, p. 6): £8.62 face to face,
£2.83 by phone and £0.15 on the web. Every figure is a `Decimal`, so the
result is exact to the penny: a whole number of contacts times a cost in pence has no rounding.
A move to a dearer channel (or costs edited so that the new channel costs more) gives a
negative saving: it is reported, not hidden, and `outcome` names it an **added cost** so that
pages say "added cost £X a year" rather than "saving -£X".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

FACE_TO_FACE = "face_to_face"
PHONE = "phone"
WEB = "web"
CHANNELS = (FACE_TO_FACE, PHONE, WEB)

#: What an amount is, by its sign: a saving (> 0), an added cost (< 0), or no change (0).
SAVING = "saving"
ADDED_COST = "added_cost"
NO_CHANGE = "no_change"


def saving_outcome(amount: Decimal) -> str:
    """`SAVING` for a positive amount, `ADDED_COST` for a negative one, else `NO_CHANGE`."""
    if amount > 0:
        return SAVING
    return ADDED_COST if amount < 0 else NO_CHANGE


#: Average cost of one contact (£), SOCITM via seed 003.
DEFAULT_COSTS: Mapping[str, Decimal] = {
    FACE_TO_FACE: Decimal("8.62"),
    PHONE: Decimal("2.83"),
    WEB: Decimal("0.15"),
}


@dataclass(frozen=True, slots=True)
class MoveSaving:
    """One move between channels and what it saves a year."""

    from_channel: str
    to_channel: str
    contacts: int
    unit_saving: Decimal
    saving: Decimal

    @property
    def outcome(self) -> str:
        """`SAVING`, `ADDED_COST` (a move to a dearer channel) or `NO_CHANGE`."""
        return saving_outcome(self.saving)


@dataclass(frozen=True, slots=True)
class ChannelShiftEstimate:
    """The moves with their savings, the total a year, and the costs used."""

    moves: tuple[MoveSaving, ...]
    annual_saving: Decimal
    contacts_moved: int
    costs: Mapping[str, Decimal]

    @property
    def outcome(self) -> str:
        """Whether the moves together save money (`SAVING`), cost more (`ADDED_COST`) or
        neither (`NO_CHANGE`)."""
        return saving_outcome(self.annual_saving)


def channel_shift_estimate(
    moves: Iterable[tuple[str, str, int]],
    costs: Mapping[str, Decimal] | None = None,
) -> ChannelShiftEstimate:
    """
    The annual saving of `moves` (from channel, to channel, contacts a year) at `costs` (cost
    of one contact by channel; `DEFAULT_COSTS` where left out). Moves of no contacts are left
    out of the result.

    Raises ValueError for an unknown channel, a negative or fractional number of contacts, or
    a negative cost.
    """
    prices = {**DEFAULT_COSTS, **(costs or {})}
    for channel, cost in prices.items():
        if channel not in CHANNELS:
            raise ValueError(f"Unknown channel {channel!r}: use one of {', '.join(CHANNELS)}.")
        if not isinstance(cost, Decimal):
            raise ValueError(f"The cost of a {channel} contact must be a Decimal, not {cost!r}.")
        if cost < 0:
            raise ValueError(f"The cost of a {channel} contact cannot be negative ({cost}).")
    lines = []
    for from_channel, to_channel, contacts in moves:
        for channel in (from_channel, to_channel):
            if channel not in CHANNELS:
                raise ValueError(
                    f"Unknown channel {channel!r}: use one of {', '.join(CHANNELS)}.")
        if isinstance(contacts, bool) or not isinstance(contacts, int) or contacts < 0:
            raise ValueError(
                f"Contacts moved must be a whole number of at least 0, not {contacts!r}.")
        if contacts == 0:
            continue
        unit = prices[from_channel] - prices[to_channel]
        lines.append(MoveSaving(from_channel, to_channel, contacts, unit, unit * contacts))
    return ChannelShiftEstimate(
        moves=tuple(lines),
        annual_saving=sum((line.saving for line in lines), Decimal("0.00")),
        contacts_moved=sum(line.contacts for line in lines),
        costs=prices,
    )
