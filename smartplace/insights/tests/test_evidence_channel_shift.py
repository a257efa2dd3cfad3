"""The channel-shift method: savings from contacts moved between channels, in exact pence."""

from decimal import Decimal

import pytest

from smartplace.methods.channel_shift import DEFAULT_COSTS, channel_shift_estimate


def test_default_costs_are_the_seed_figures():
    """Face to face £8.62, phone £2.83, web £0.15 (SOCITM, quoted by seed 003)."""
    assert DEFAULT_COSTS == {"face_to_face": Decimal("8.62"), "phone": Decimal("2.83"),
                             "web": Decimal("0.15")}


def test_saving_is_contacts_times_the_difference_in_cost():
    """1,000 visits moved to the web save £8,470; 3 calls moved to the web save £8.04."""
    estimate = channel_shift_estimate([("face_to_face", "web", 1000), ("phone", "web", 3),
                                       ("face_to_face", "phone", 0)])
    assert [m.saving for m in estimate.moves] == [Decimal("8470.00"), Decimal("8.04")]
    assert estimate.annual_saving == Decimal("8478.04")
    assert estimate.contacts_moved == 1003


def test_edited_costs_replace_the_defaults():
    """A council's own costs are used where given."""
    estimate = channel_shift_estimate([("phone", "web", 10)],
                                      {"phone": Decimal("4.00"), "web": Decimal("0.50")})
    assert estimate.annual_saving == Decimal("35.00")
    assert estimate.costs["face_to_face"] == Decimal("8.62")


def test_no_contacts_means_no_saving():
    """An empty estimate is zero pounds, not missing."""
    estimate = channel_shift_estimate([])
    assert estimate.annual_saving == Decimal("0.00") and estimate.moves == ()


def test_a_move_to_a_dearer_channel_is_a_negative_saving():
    """Moving contacts from the web to the phone costs money, and says so."""
    assert channel_shift_estimate([("web", "phone", 2)]).annual_saving == Decimal("-5.36")


@pytest.mark.parametrize("moves, costs, message", [
    ([("fax", "web", 1)], None, "Unknown channel 'fax'"),
    ([("phone", "web", -1)], None, "whole number"),
    ([("phone", "web", 1.5)], None, "whole number"),
    ([], {"phone": Decimal("-1")}, "cannot be negative"),
    ([], {"phone": 2.83}, "must be a Decimal"),
])
def test_bad_input_is_refused_with_a_message(moves, costs, message):
    """Unknown channels, negative or fractional contacts and bad costs are refused."""
    with pytest.raises(ValueError, match=message):
        channel_shift_estimate(moves, costs)


def test_the_outcome_names_a_saving_or_an_added_cost():
    """A move to a cheaper channel is a saving, to a dearer one an added cost."""
    assert channel_shift_estimate([("phone", "web", 2)]).outcome == "saving"
    assert channel_shift_estimate([("web", "phone", 2)]).outcome == "added_cost"
    assert channel_shift_estimate([]).outcome == "no_change"
    dearer_web = channel_shift_estimate([("phone", "web", 10)],
                                        {"phone": Decimal("2.00"), "web": Decimal("3.50")})
    assert dearer_web.annual_saving == Decimal("-15.00")
    assert dearer_web.outcome == dearer_web.moves[0].outcome == "added_cost"
