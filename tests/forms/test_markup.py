"""Markup from the model (kite.forms.markup): attributes, whole fields, errors, the summary,
parsed back with the standard library's HTML parser so that the assertions read the DOM the
browser would build."""

import enum
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from typing import Annotated, Any, Literal

import pytest
from markupsafe import Markup
from pydantic import BaseModel, Field, SecretStr

from kite import Sensitive, Textarea, UploadedFile
from kite.forms.markup import BoundForm, bind_forms
from kite.forms.state import FORM_ID_FIELD


class Plan(enum.Enum):
    free = "free"
    pro_plus = "pro"


class Address(BaseModel):
    city: str = Field(min_length=2, max_length=40)


class Line(BaseModel):
    qty: int = Field(gt=0, lt=100)


class Profile(BaseModel):
    email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    name: str = Field(min_length=2, title="Full name", description="As on your passport")
    password: SecretStr = Field(min_length=8)
    card: Annotated[str, Sensitive] = ""
    age: int | None = Field(default=None, ge=13, le=130)
    height: float = Field(default=1.7, gt=0)
    price: Decimal = Field(decimal_places=2, ge=0)
    step5: int = Field(default=5, multiple_of=5)
    plan: Plan = Plan.free
    size: Literal["s", "m", "l"]
    colours: list[Literal["red", "blue"]] = []
    newsletter: bool = True
    terms: bool
    born: date | None = None
    address: Address
    lines: list[Line] = []
    avatar: UploadedFile | None = None


class Element:
    def __init__(self, tag: str, attributes: dict[str, str | None]) -> None:
        self.tag = tag
        self.attributes = attributes
        self.text = ""


class Document(HTMLParser):
    """Every element with its attributes, and the text inside it."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.elements.append(element)
        if tag not in ("input", "br", "img"):
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data

    def by_id(self, element_id: str) -> Element:
        found = [e for e in self.elements if e.attributes.get("id") == element_id]
        assert len(found) == 1, f"{len(found)} elements with id {element_id!r}"
        return found[0]

    def control(self, name: str) -> Element:
        (found,) = [e for e in self.elements if e.attributes.get("name") == name]
        return found

    def ids(self) -> set[str]:
        return {str(e.attributes["id"]) for e in self.elements if e.attributes.get("id")}


def failed(values: dict[str, Any], errors: dict[str, str], form_id: str = "profile") -> BoundForm:
    return BoundForm("profile", Profile, {"form_id": form_id, "values": values, "errors": errors})


def fresh() -> BoundForm:
    return BoundForm("profile", Profile, None)


def control(form: BoundForm, name: str, **extra: Any) -> dict[str, str | None]:
    return Document(str(form.field(name, **extra))).control(name).attributes


ALL_FIELDS = [
    "email",
    "name",
    "password",
    "card",
    "age",
    "height",
    "price",
    "step5",
    "plan",
    "size",
    "colours",
    "newsletter",
    "terms",
    "born",
    "address.city",
    "lines[0].qty",
    "avatar",
]


def whole_form(form: BoundForm) -> Document:
    parts = [form.hidden_id(), form.summary(), form.error("_form")]
    parts += [form.field(name) for name in ALL_FIELDS]
    return Document(str(Markup("").join(parts)))


# --- types and constraints ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "email",
            # The pattern as the browser reads it (tests/forms/test_patterns.py).
            {
                "type": "email",
                "maxlength": "254",
                "pattern": r"[^\@[\s--\ufeff]]+@[^\@[\s--\ufeff]]+",
            },
        ),
        ("name", {"type": "text", "minlength": "2"}),
        ("password", {"type": "password", "minlength": "8"}),
        ("card", {"type": "password"}),
        ("age", {"type": "number", "step": "1", "min": "13", "max": "130"}),
        ("height", {"type": "number", "step": "any", "min": "0"}),
        ("price", {"type": "number", "step": "0.01", "min": "0"}),
        ("step5", {"type": "number", "step": "5"}),
        ("terms", {"type": "checkbox", "value": "true"}),
        ("born", {"type": "date"}),
        ("address.city", {"type": "text", "minlength": "2", "maxlength": "40"}),
        # An exclusive bound of whole numbers becomes the next whole number.
        ("lines[0].qty", {"type": "number", "min": "1", "max": "99"}),
        ("avatar", {"type": "file"}),
    ],
)
def test_type_and_constraint_attributes(name: str, expected: dict[str, str]) -> None:
    attributes = control(fresh(), name)
    assert {key: attributes.get(key) for key in expected} == expected


def test_required_follows_the_model() -> None:
    form = fresh()
    required = {name for name in ALL_FIELDS if "required" in control(form, name)}
    assert required == {
        "email",
        "name",
        "password",
        "price",
        "size",
        "address.city",
        "lines[0].qty",
    }


def test_enums_and_literals_are_selects() -> None:
    document = Document(str(fresh().field("plan")))
    select = document.control("plan")
    assert select.tag == "select" and "type" not in select.attributes
    options = [(e.attributes["value"], e.text) for e in document.elements if e.tag == "option"]
    assert options == [("", "—"), ("free", "Free"), ("pro", "Pro plus")]
    selected = [e.attributes["value"] for e in document.elements if "selected" in e.attributes]
    assert selected == ["free"]  # the model's default
    size = Document(str(fresh().field("size")))
    assert [e.attributes["value"] for e in size.elements if e.tag == "option"] == [
        "",
        "s",
        "m",
        "l",
    ]


def test_a_list_of_choices_is_a_multiple_select_keeping_every_choice() -> None:
    document = Document(str(failed({"colours": ["red", "blue"]}, {}).field("colours")))
    select = document.control("colours")
    assert select.tag == "select" and "multiple" in select.attributes
    selected = [e.attributes["value"] for e in document.elements if "selected" in e.attributes]
    assert selected == ["red", "blue"]


def test_checkbox_checked_state() -> None:
    assert "checked" in control(fresh(), "newsletter")  # default True
    assert "checked" not in control(fresh(), "terms")
    assert "checked" in control(failed({"terms": "on"}, {"email": "x"}), "terms")
    # Submitted without the box ticked: unchecked, even though the default is True.
    assert "checked" not in control(failed({}, {"email": "x"}), "newsletter")


def test_labels_hints_and_extra_attributes() -> None:
    document = Document(str(fresh().field("name", autocomplete="name", class_="wide")))
    assert document.by_id("profile-name").attributes["class"] == "wide"
    assert document.by_id("profile-name").attributes["autocomplete"] == "name"
    (label,) = [e for e in document.elements if e.tag == "label"]
    assert label.attributes["for"] == "profile-name" and label.text == "Full name"
    assert document.by_id("profile-name").attributes["aria-describedby"] == "profile-name-hint"
    assert document.by_id("profile-name-hint").text == "As on your passport"
    assert Document(str(fresh().field("age", label="Your age"))).elements[1].text == "Your age"
    # False leaves an attribute out; True writes it bare.
    attributes = control(fresh(), "email", required=False, data_x=True)
    assert "required" not in attributes and "data-x" in attributes


def test_attrs_alone_for_hand_written_markup() -> None:
    attrs = str(fresh().attrs("address.city", placeholder="Paris"))
    element = Document(f"<input {attrs}>").elements[0]
    assert element.attributes["name"] == "address.city"
    assert element.attributes["id"] == "profile-address-city"
    assert element.attributes["placeholder"] == "Paris"


def test_unknown_field_names_are_a_clear_error() -> None:
    with pytest.raises(KeyError, match="has no field 'emial'; its fields are: email, name"):
        fresh().field("emial")


def test_hidden_id() -> None:
    element = Document(str(fresh().hidden_id())).elements[0]
    assert element.attributes == {"type": "hidden", "name": FORM_ID_FIELD, "value": "profile"}


# --- after a failure --------------------------------------------------------------------------


def test_values_are_refilled_but_secrets_never() -> None:
    form = failed(
        {"email": "ada@", "password": "hunter2hunter2", "card": "4111", "age": "12"},
        {"email": "Bad."},
    )
    assert control(form, "email")["value"] == "ada@"
    assert control(form, "age")["value"] == "12"
    assert "value" not in control(form, "password")
    assert "value" not in control(form, "card")
    assert "hunter2" not in str(form.field("password"))


def test_defaults_are_shown_before_any_submission() -> None:
    assert control(fresh(), "height")["value"] == "1.7"
    assert "value" not in control(fresh(), "email")
    assert "value" not in control(fresh(), "age")  # default None


def test_invalid_fields_point_at_their_message() -> None:
    form = failed({"name": "A"}, {"name": "Too short.", "address.city": "Required."})
    document = whole_form(form)
    for name in ("name", "address.city"):
        attributes = document.control(name).attributes
        assert attributes["aria-invalid"] == "true"
        described = str(attributes["aria-describedby"]).split()
        for element_id in described:
            assert element_id in document.ids()
        error_id = [i for i in described if i.endswith("-error")]
        assert document.by_id(error_id[0]).text == form.errors[name]
    assert "aria-invalid" not in document.control("email").attributes
    assert "aria-describedby" not in document.control("email").attributes


def test_autofocus_only_on_the_first_invalid_field() -> None:
    form = failed({}, {"_form": "Whole.", "password": "Short.", "address.city": "Required."})
    document = whole_form(form)
    focused = [e.attributes["name"] for e in document.elements if "autofocus" in e.attributes]
    assert focused == ["password"]
    assert not any("autofocus" in e.attributes for e in whole_form(fresh()).elements)


def test_summary_links_to_existing_controls() -> None:
    form = failed(
        {},
        {
            "email": "Bad email.",
            "lines[0].qty": "Too many.",
            "plan": "Pick one.",
            "_form": "Something else.",
        },
    )
    document = whole_form(form)
    summary = [e for e in document.elements if "data-kite-error-summary" in e.attributes]
    assert len(summary) == 1 and summary[0].attributes["role"] == "alert"
    links = [e for e in document.elements if e.tag == "a"]
    assert [link.attributes["href"] for link in links] == [
        "#profile-email",
        "#profile-lines-0-qty",
        "#profile-plan",
    ]
    for link in links:
        target = document.by_id(str(link.attributes["href"])[1:])
        assert target.tag in ("input", "select")
    assert links[0].text == "Email: Bad email."
    assert "Something else." in summary[0].text
    assert document.by_id("profile-_form-error").text == "Something else."
    assert str(fresh().summary()) == ""


def test_hostile_values_and_messages_are_escaped() -> None:
    hostile = '"><script>alert(1)</script>'
    form = failed({"email": hostile, "size": hostile}, {"email": hostile, "_form": hostile})
    html = str(Markup("").join([form.summary(), form.field("email"), form.field("size")]))
    assert "<script>" not in html
    document = Document(html)
    assert document.control("email").attributes["value"] == hostile
    assert not any(e.tag == "script" for e in document.elements)


def test_two_forms_on_one_page_bind_only_their_own_result() -> None:
    result = {"form_id": "contact", "values": {"email": "x"}, "errors": {"email": "Bad."}}
    forms = bind_forms({"subscribe": Address, "contact": Profile}, result)
    assert forms["contact"].errors == {"email": "Bad."} and forms["contact"].submitted
    assert forms["subscribe"].errors == {} and forms["subscribe"].values == {}
    assert not forms["subscribe"].submitted
    # A result that is no typed form's (a plain action's dict) binds to none.
    plain = bind_forms({"contact": Profile}, {"email": "x", "errors": {"email": "Bad."}})
    assert plain["contact"].errors == {}
    assert bind_forms({}, result) == {}
    assert repr(forms["contact"]) == "<BoundForm 'contact' of Profile>"


def test_summary_links_an_error_about_a_whole_list_of_rows_to_its_first_row() -> None:
    form = failed({}, {"lines": "Add at least one line.", "address": "Wrong shape."})
    document = whole_form(form)
    links = [str(e.attributes["href"]) for e in document.elements if e.tag == "a"]
    assert links == ["#profile-lines-0-qty", "#profile-address-city"]
    for link in links:
        assert link[1:] in document.ids()


def test_an_error_about_a_whole_list_focuses_its_first_row() -> None:
    document = whole_form(failed({}, {"lines": "Add at least one line."}))
    focused = [e.attributes.get("name") for e in document.elements if "autofocus" in e.attributes]
    assert focused == ["lines[0].qty"]


def test_only_a_form_level_error_focuses_the_summary() -> None:
    document = whole_form(failed({}, {"_form": "Registrations are closed."}))
    focused = [e for e in document.elements if "autofocus" in e.attributes]
    assert len(focused) == 1
    assert "data-kite-error-summary" in focused[0].attributes


# --- the element follows the model: <textarea>, <select multiple>, <input> ---------------


class Post(BaseModel):
    title: str = Field(min_length=3, max_length=80, pattern=r"^[A-Za-z0-9_.-]+$")
    body: Annotated[str, Textarea] = Field(min_length=10, max_length=2000)
    summary: Annotated[str | None, Textarea] = None
    tags: list[Literal["news", "tech", "life"]] = []
    code: str = Field(default="", pattern=r"(?i)^[a-z]+$")
    year: int = Field(default=2026, ge=2000)


def post(values: dict[str, Any] | None = None) -> BoundForm:
    if values is None:
        return BoundForm("post", Post, None)
    return BoundForm("post", Post, {"form_id": "post", "values": values, "errors": {"x": "!"}})


def test_a_textarea_field_is_a_textarea_without_input_attributes() -> None:
    form = post()
    assert form.element("body") == "textarea" and form.element("title") == "input"
    document = Document(str(form.field("body", rows=8)))
    textarea = document.control("body")
    assert textarea.tag == "textarea"
    assert textarea.attributes == {
        "name": "body",
        "id": "post-body",
        "required": None,
        "minlength": "10",
        "maxlength": "2000",
        "rows": "8",
    }
    assert textarea.text == ""


def test_a_textarea_shows_the_submitted_text_escaped_with_its_newlines() -> None:
    text = "\nfirst line\n</textarea><script>x()</script>"
    html = str(post({"body": text, "summary": "short"}).field("body"))
    assert "<script>" not in html
    # One newline after the tag is the parser's; the value's own starts after it.
    assert html.count("\n\nfirst line\n&lt;/textarea&gt;") == 1
    document = Document(html)
    assert document.control("body").text == "\n\nfirst line\n</textarea><script>x()</script>"


def test_attrs_writes_only_what_the_element_takes() -> None:
    form = post()
    on_textarea = Document(f"<textarea {form.attrs('body')}></textarea>").elements[0]
    assert "type" not in on_textarea.attributes and "value" not in on_textarea.attributes
    # A plain text field written as a textarea by hand.
    title = Document(f"<textarea {form.attrs('title', element='textarea')}></textarea>")
    assert set(title.elements[0].attributes) == {"name", "id", "required", "minlength", "maxlength"}
    # A textarea field written as an input by hand gets the input's attributes.
    body = Document(f"<input {form.attrs('body', element='input')}>").elements[0]
    assert body.attributes["type"] == "text" and body.attributes["minlength"] == "10"
    tags = Document(f"<select {form.attrs('tags')}></select>").elements[0]
    assert set(tags.attributes) == {"name", "id", "multiple"}
    # A number input takes min/step, not minlength or pattern.
    year = Document(f"<input {form.attrs('year')}>").elements[0]
    assert year.attributes["min"] == "2000" and "pattern" not in year.attributes
    with pytest.raises(ValueError, match="input, textarea or select"):
        form.attrs("body", element="div")


def test_field_can_be_asked_for_another_element() -> None:
    document = Document(str(post().field("title", element="textarea")))
    assert document.control("title").tag == "textarea"


def test_a_list_of_choices_keeps_every_submitted_choice() -> None:
    document = Document(str(post({"tags": ["news", "life"]}).field("tags")))
    select = document.control("tags")
    assert select.tag == "select" and "multiple" in select.attributes
    options = [e for e in document.elements if e.tag == "option"]
    assert [e.attributes["value"] for e in options] == ["news", "tech", "life"]  # no "—"
    assert [e.attributes["value"] for e in options if "selected" in e.attributes] == [
        "news",
        "life",
    ]


def test_patterns_reach_the_browser_only_as_it_reads_them() -> None:
    form = post()
    assert Document(f"<input {form.attrs('title')}>").elements[0].attributes["pattern"] == (
        r"[A-Za-z0-9_\.\-]+"
    )
    # (?i) cannot be said in a pattern attribute: the server alone checks it.
    assert "pattern" not in Document(f"<input {form.attrs('code')}>").elements[0].attributes
