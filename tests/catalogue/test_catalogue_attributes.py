"""Answers to a service's questions are checked against the six Open311 datatypes, and every
bad answer is named as `attribute[code]` so a form or API client can show it by the field."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from firstcontact.catalogue.attributes import validate_answers
from firstcontact.catalogue.models import Automated, Datatype, ServiceAttribute

COLOURS = [{"key": "red", "name": "Red"}, {"key": "blue", "name": "Blue"}]
HAZARDS = [
    {"key": "kerb", "name": "Damaged kerb"},
    {"key": "water", "name": "Standing water"},
    {"key": "glass", "name": "Broken glass"},
]


def attribute(code: str, datatype: str, *, required: bool = False, values=None, **kw):
    return ServiceAttribute(
        code=code,
        description=f"Question {code}?",
        datatype=datatype,
        required=required,
        values=values or [],
        **kw,
    )


def errors_of(attributes, answers, **kw) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as excinfo:
        validate_answers(attributes, answers, **kw)
    return excinfo.value.message_dict


NOTE = attribute("note", Datatype.STRING)
COUNT = attribute("count", Datatype.NUMBER)
SEEN = attribute("seen", Datatype.DATETIME)
DETAIL = attribute("detail", Datatype.TEXT)
COLOUR = attribute("colour", Datatype.SINGLEVALUELIST, values=COLOURS)
HAZARD = attribute("hazards", Datatype.MULTIVALUELIST, values=HAZARDS)
ALL_SIX = [NOTE, COUNT, SEEN, DETAIL, COLOUR, HAZARD]


# --- valid answers, one datatype at a time ------------------------------------------------


@pytest.mark.parametrize(
    ("attr", "answer", "cleaned"),
    [
        (NOTE, "  Outside number 12 ", "Outside number 12"),
        (NOTE, "x" * 500, "x" * 500),
        (COUNT, "12", 12),
        (COUNT, " -3 ", -3),
        (COUNT, "12.5", 12.5),
        (COUNT, "1e2", 100),
        (COUNT, "4.0", 4),
        (COUNT, "999999999999999", 999_999_999_999_999),
        (COUNT, "1e-999999", 0.0),
        (SEEN, "2026-11-23T14:30:00Z", "2026-11-23T14:30:00+00:00"),
        (SEEN, "2026-11-23T14:30:00+01:00", "2026-11-23T14:30:00+01:00"),
        (SEEN, "2026-11-23 14:30", "2026-11-23T14:30:00"),
        (SEEN, "2026-11-23", "2026-11-23T00:00:00"),
        (DETAIL, "Line one\nLine two", "Line one\nLine two"),
        (DETAIL, "y" * 10_000, "y" * 10_000),
        (COLOUR, "blue", "blue"),
        (COLOUR, ["", "red", " "], "red"),
        (HAZARD, ["kerb", "glass"], ["kerb", "glass"]),
        (HAZARD, "water", ["water"]),
        (HAZARD, ["water", "kerb", "water", " "], ["water", "kerb"]),
    ],
)
def test_valid_answer_is_cleaned(attr, answer, cleaned):
    assert validate_answers([attr], {attr.code: answer}) == {attr.code: cleaned}


# --- invalid answers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attr", "answer", "message_part"),
    [
        (NOTE, "first line\nsecond line", "single line"),
        (NOTE, "x" * 501, "500"),
        (NOTE, ["one", "two"], "one answer"),
        (COUNT, "twelve", "number"),
        (COUNT, "12 cm", "number"),
        (COUNT, "NaN", "number"),
        (COUNT, "Infinity", "number"),
        (COUNT, "1e999999", "digits"),
        (COUNT, "1e15", "digits"),
        (COUNT, "1" * 400 + ".5", "digits"),
        (SEEN, "next Tuesday", "date and time"),
        (SEEN, "2026-02-30", "date and time"),
        (SEEN, "2026-11-23T25:00:00", "date and time"),
        (DETAIL, "y" * 10_001, "10000"),
        (COLOUR, "green", "green"),
        (COLOUR, "Red", "Red"),  # keys are exact
        (COLOUR, ["red", "blue"], "one answer"),
        (HAZARD, ["kerb", "fire"], "fire"),
    ],
)
def test_invalid_answer_is_named_by_field(attr, answer, message_part):
    errors = errors_of([attr], {attr.code: answer})
    assert list(errors) == [f"attribute[{attr.code}]"]
    assert message_part in errors[f"attribute[{attr.code}]"][0]


def test_every_bad_field_is_named_at_once_and_nothing_is_returned():
    errors = errors_of(
        ALL_SIX,
        {"note": "ok", "count": "lots", "seen": "yesterday", "colour": "green", "hazards": ["x"]},
    )
    assert set(errors) == {
        "attribute[count]",
        "attribute[seen]",
        "attribute[colour]",
        "attribute[hazards]",
    }


# --- required, unknown, automated ---------------------------------------------------------


@pytest.mark.parametrize("missing", [None, "", "   ", [], ["", " "]], ids=repr)
def test_required_question_left_unanswered(missing):
    depth = attribute("depth", Datatype.SINGLEVALUELIST, required=True, values=COLOURS)
    answers = {} if missing is None else {"depth": missing}
    errors = errors_of([depth, NOTE], answers)
    assert list(errors) == ["attribute[depth]"]
    assert "Question depth?" in errors["attribute[depth]"][0]


def test_optional_questions_may_be_left_out():
    assert validate_answers(ALL_SIX, {}) == {}
    assert validate_answers(ALL_SIX, {"count": " ", "hazards": []}) == {}


def test_unknown_attribute_is_rejected_by_name():
    errors = errors_of([NOTE], {"note": "fine", "colour_of_van": "white"})
    assert list(errors) == ["attribute[colour_of_van]"]


def test_unknown_attribute_can_be_ignored_when_asked():
    cleaned = validate_answers([NOTE], {"note": "fine", "extra": "x"}, ignore_unknown=True)
    assert cleaned == {"note": "fine"}


def test_server_set_attribute_is_not_required_of_the_resident():
    server_set = attribute(
        "asset_id", Datatype.STRING, required=True, automated=Automated.SERVER_SET
    )
    hidden = attribute(
        "client_ref", Datatype.STRING, required=True, automated=Automated.HIDDEN_FIELD
    )
    # Only the hidden field (filled in by the client) is still required.
    assert list(errors_of([server_set, hidden], {})) == ["attribute[client_ref]"]
    assert validate_answers([server_set, hidden], {"client_ref": "abc"}) == {"client_ref": "abc"}


def test_fixture_pothole_questions(partnership):
    attributes = partnership.pothole.attributes.all()
    assert validate_answers(attributes, {"depth": "deep", "width_cm": "40"}) == {
        "depth": "deep",
        "width_cm": 40,
    }
    assert list(errors_of(attributes, {"width_cm": "40"})) == ["attribute[depth]"]


# --- property: bad input is a ValidationError, never a crash ------------------------------

REQUIRED_SIX = [
    attribute(f"r_{a.code}", a.datatype, required=True, values=a.values) for a in ALL_SIX
]
CODES = [a.code for a in ALL_SIX + REQUIRED_SIX]

answer_text = st.one_of(
    st.text(),
    st.from_regex(r"\A[-+]?\d{0,30}(\.\d{0,30})?([eE][-+]?\d{1,12})?\Z"),
    st.from_regex(r"\A\d{1,6}-\d{1,3}-\d{1,3}([T ]\d{1,3}:\d{1,3}(:\d{1,3})?)?[zZ+-]?\d{0,4}\Z"),
    st.sampled_from(["red", "blue", "kerb", "water", "glass", "NaN", "-inf", "sNaN", ""]),
)
answer_value = st.one_of(st.none(), answer_text, st.lists(answer_text, max_size=4))


@settings(max_examples=300, deadline=2000)
@given(
    answers=st.dictionaries(
        st.one_of(st.sampled_from(CODES), st.text(max_size=80)), answer_value, max_size=8
    ),
    ignore_unknown=st.booleans(),
)
def test_validate_answers_only_ever_raises_validation_error(answers, ignore_unknown):
    try:
        cleaned = validate_answers(ALL_SIX + REQUIRED_SIX, answers, ignore_unknown=ignore_unknown)
    except ValidationError as exc:
        assert exc.message_dict
        assert all(key.startswith("attribute[") for key in exc.message_dict)
    else:
        assert set(cleaned) <= set(CODES)
        for code, value in cleaned.items():
            if code.endswith("count"):
                assert isinstance(value, int | float) and abs(value) < float("inf")
