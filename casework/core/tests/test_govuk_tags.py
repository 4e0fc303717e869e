"""The GOV.UK form tags, the date field and the display filters. No database needed."""

import datetime
import re
import zoneinfo

import pytest
from django import forms
from django.template import Context, Template

from casework.core.forms import GovukDateField, GovukDateWidget
from casework.core.templatetags.govuk import govuk_date, nhs_number


def render(source: str, **context) -> str:
    # govuk is a template builtin: no {% load %}.
    return Template(source).render(Context(context))


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


class PersonForm(forms.Form):
    given_name = forms.CharField(
        label="Given name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": "Enter the person's given name"},
    )
    nhs_number = forms.CharField(label="NHS number", required=False, help_text="A 10 digit number")
    date_of_birth = GovukDateField(
        label="Date of birth", help_text="For example, 27 3 1951", autocomplete="bday"
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=[("female", "Female"), ("male", "Male")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person's sex"},
    )
    needs = forms.MultipleChoiceField(
        label="Needs",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[("bsl", "British Sign Language"), ("large", "Large print")],
    )
    interpreter = forms.BooleanField(label="Needs an interpreter", required=False)
    language = forms.ChoiceField(
        label="Language", required=False, choices=[("", "---------"), ("en", "English"), ("cy", "Welsh")]
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if data.get("given_name") == "Clash":
            raise forms.ValidationError("This person is already known")
        return data


VALID = {
    "given_name": "Ada",
    "nhs_number": "",
    "date_of_birth_0": "10",
    "date_of_birth_1": "12",
    "date_of_birth_2": "1915",
    "sex": "female",
}


def date_form(parts, required=True, **field_kwargs):
    class DateForm(forms.Form):
        when = GovukDateField(label="Date of birth", required=required, **field_kwargs)

    day, month, year = parts
    return DateForm(data={"when_0": day, "when_1": month, "when_2": year})


# ---------------------------------------------------------------------------
# GovukDateField
# ---------------------------------------------------------------------------


class TestGovukDateField:
    def test_valid_date(self):
        form = date_form(("5", "1", "2026"))
        assert form.is_valid(), form.errors
        assert form.cleaned_data["when"] == datetime.date(2026, 1, 5)

    def test_leading_zeros_spaces_and_month_names(self):
        form = date_form((" 05 ", "Jan", "2026"))
        assert form.is_valid(), form.errors
        assert form.cleaned_data["when"] == datetime.date(2026, 1, 5)

    @pytest.mark.parametrize(
        ("parts", "message"),
        [
            (("5", "1", ""), "Date of birth must include a year"),
            (("", "1", "2026"), "Date of birth must include a day"),
            (("5", "", "2026"), "Date of birth must include a month"),
            (("", "", "2026"), "Date of birth must include a day and month"),
            (("5", "", ""), "Date of birth must include a month and year"),
        ],
    )
    def test_missing_parts(self, parts, message):
        form = date_form(parts)
        assert not form.is_valid()
        assert form.errors["when"] == [message]

    @pytest.mark.parametrize(
        "parts",
        [
            ("31", "2", "2026"),
            ("30", "13", "2026"),
            ("0", "1", "2026"),
            ("a", "1", "2026"),
            ("5", "1", "20x6"),
        ],
    )
    def test_not_a_real_date(self, parts):
        form = date_form(parts)
        assert not form.is_valid()
        assert form.errors["when"] == ["Date of birth must be a real date"]

    def test_year_must_have_four_numbers(self):
        form = date_form(("5", "1", "26"))
        assert not form.is_valid()
        assert form.errors["when"] == ["Date of birth must include a year with 4 numbers, like 1970"]

    def test_required_and_empty(self):
        form = date_form(("", "", ""))
        assert not form.is_valid()
        assert form.errors["when"] == ["Enter date of birth"]

    def test_optional_and_empty(self):
        form = date_form(("", "", ""), required=False)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["when"] is None

    def test_future_dates_refused_when_asked(self):
        form = date_form(("1", "1", "9999"), allow_future=False)
        assert not form.is_valid()
        assert form.errors["when"] == ["Date of birth must be today or in the past"]

    def test_label_from_field_name_when_no_label(self):
        class NoLabel(forms.Form):
            moved_in = GovukDateField()

        form = NoLabel(data={"moved_in_0": "1", "moved_in_1": "2", "moved_in_2": ""})
        assert form.errors["moved_in"] == ["Moved in must include a year"]

    def test_custom_message(self):
        form = date_form(("", "", ""), error_messages={"required": "Enter the date they moved in"})
        assert form.errors["when"] == ["Enter the date they moved in"]

    def test_widget_decompresses_dates(self):
        widget = GovukDateWidget()
        assert widget.decompress(datetime.date(2026, 1, 5)) == ["5", "1", "2026"]
        assert widget.decompress(None) == [None, None, None]

    def test_has_changed(self):
        field = GovukDateField()
        assert not field.has_changed(datetime.date(2026, 1, 5), ["5", "1", "2026"])
        assert field.has_changed(datetime.date(2026, 1, 5), ["6", "1", "2026"])
        assert field.has_changed(None, ["6", "x", "2026"])


# ---------------------------------------------------------------------------
# govuk_field
# ---------------------------------------------------------------------------


class TestGovukField:
    def test_text_input_with_label_hint_and_autocomplete(self):
        html = squash(
            render("{% govuk_field form.given_name classes='govuk-input--width-20' %}", form=PersonForm())
        )
        assert '<div class="govuk-form-group">' in html
        assert '<label class="govuk-label" for="id_given_name">Given name</label>' in html
        assert 'class="govuk-input govuk-input--width-20"' in html
        assert 'autocomplete="given-name"' in html
        assert 'maxlength="100"' in html
        assert "govuk-error-message" not in html

    def test_hint_is_linked_by_aria_describedby(self):
        html = squash(render("{% govuk_field form.nhs_number %}", form=PersonForm()))
        assert '<div id="id_nhs_number-hint" class="govuk-hint">A 10 digit number</div>' in html
        assert 'aria-describedby="id_nhs_number-hint"' in html

    def test_hint_override_and_label_size_and_page_heading(self):
        html = squash(
            render(
                "{% govuk_field form.nhs_number hint='Ten numbers' label_size='m' is_page_heading=True %}",
                form=PersonForm(),
            )
        )
        assert (
            '<h1 class="govuk-label-wrapper"><label class="govuk-label govuk-label--m" for="id_nhs_number">'
            in html
        )
        assert ">Ten numbers</div>" in html
        assert "A 10 digit number" not in html

    def test_errors_add_classes_and_message(self):
        form = PersonForm(data={**VALID, "given_name": ""})
        assert not form.is_valid()
        html = squash(render("{% govuk_field form.given_name %}", form=form))
        assert '<div class="govuk-form-group govuk-form-group--error">' in html
        assert (
            '<p id="id_given_name-error" class="govuk-error-message">'
            '<span class="govuk-visually-hidden">Error:</span> Enter the person\'s given name</p>'
        ) in html.replace("&#x27;", "'")
        assert 'class="govuk-input govuk-input--error"' in html
        assert 'aria-describedby="id_given_name-error"' in html
        assert 'aria-invalid="true"' in html

    def test_values_are_rendered_again(self):
        form = PersonForm(
            data={
                **VALID,
                "given_name": "Ada",
                "date_of_birth_0": "31",
                "date_of_birth_1": "2",
                "date_of_birth_2": "1990",
                "sex": "male",
                "needs": ["large"],
                "interpreter": "on",
                "language": "cy",
                "notes": "Knock twice",
            }
        )
        assert not form.is_valid()  # 31 February
        html = squash(render("{% for field in form %}{% govuk_field field %}{% endfor %}", form=form))
        assert 'name="given_name" value="Ada"' in html
        assert 'name="date_of_birth_0" value="31"' in html
        assert 'name="date_of_birth_1" value="2"' in html
        assert 'name="date_of_birth_2" value="1990"' in html
        assert 'id="id_sex_1" name="sex" type="radio" value="male" checked>' in html
        assert 'id="id_sex" name="sex" type="radio" value="female">' in html
        assert 'type="checkbox" value="large" checked>' in html
        assert re.search(r'<input type="checkbox" name="interpreter"[^>]*checked', html)
        assert '<option value="cy" selected>Welsh</option>' in html
        assert ">\nKnock twice</textarea>" in render("{% govuk_field form.notes %}", form=form)
        assert '<input type="hidden" name="version" id="id_version">' in html

    def test_initial_values_when_unbound(self):
        form = PersonForm(initial={"given_name": "Grace", "date_of_birth": datetime.date(1906, 12, 9)})
        html = squash(
            render("{% govuk_field form.given_name %}{% govuk_field form.date_of_birth %}", form=form)
        )
        assert 'value="Grace"' in html
        assert 'name="date_of_birth_0" value="9"' in html
        assert 'name="date_of_birth_1" value="12"' in html
        assert 'name="date_of_birth_2" value="1906"' in html

    def test_date_input_markup(self):
        html = squash(render("{% govuk_field form.date_of_birth %}", form=PersonForm()))
        assert (
            '<fieldset class="govuk-fieldset" role="group" aria-describedby="id_date_of_birth-hint">' in html
        )
        assert '<legend class="govuk-fieldset__legend"> Date of birth </legend>' in html
        assert '<div class="govuk-date-input" id="id_date_of_birth">' in html
        assert (
            '<label class="govuk-label govuk-date-input__label" for="id_date_of_birth_0">Day</label>' in html
        )
        assert 'inputmode="numeric"' in html
        assert 'autocomplete="bday-year"' in html
        assert "govuk-input--width-4" in html

    def test_date_error_marks_only_the_parts_at_fault(self):
        form = PersonForm(data={**VALID, "date_of_birth_2": ""})
        assert not form.is_valid()
        html = squash(render("{% govuk_field form.date_of_birth %}", form=form))
        assert "Date of birth must include a year" in html
        assert 'aria-describedby="id_date_of_birth-hint id_date_of_birth-error"' in html
        inputs = dict(re.findall(r'<input type="text" name="(date_of_birth_\d)"[^>]*class="([^"]*)"', html))
        assert "govuk-input--error" not in inputs["date_of_birth_0"]
        assert "govuk-input--error" not in inputs["date_of_birth_1"]
        assert "govuk-input--error" in inputs["date_of_birth_2"]

    def test_radios(self):
        form = PersonForm(data={**VALID, "sex": ""})
        assert not form.is_valid()
        html = squash(render("{% govuk_field form.sex classes='govuk-radios--inline' %}", form=form))
        assert '<fieldset class="govuk-fieldset" aria-describedby="id_sex-error">' in html
        assert '<div class="govuk-radios govuk-radios--inline" data-module="govuk-radios">' in html
        assert '<label class="govuk-label govuk-radios__label" for="id_sex">Female</label>' in html
        assert "Select the person&#x27;s sex" in html

    def test_single_checkbox(self):
        html = squash(render("{% govuk_field form.interpreter %}", form=PersonForm()))
        assert '<div class="govuk-checkboxes" data-module="govuk-checkboxes">' in html
        assert 'class="govuk-checkboxes__input"' in html
        assert (
            '<label class="govuk-label govuk-checkboxes__label" for="id_interpreter">'
            "Needs an interpreter</label>" in html
        )
        assert "<fieldset" not in html

    def test_select_and_textarea(self):
        html = squash(
            render("{% govuk_field form.language %}{% govuk_field form.notes %}", form=PersonForm())
        )
        assert '<select name="language" class="govuk-select" id="id_language">' in html
        assert 'class="govuk-textarea"' in html and 'rows="3"' in html

    def test_missing_field_renders_nothing(self):
        assert render("{% govuk_field form.no_such_field %}", form=PersonForm()).strip() == ""


# ---------------------------------------------------------------------------
# govuk_error_summary
# ---------------------------------------------------------------------------


class TestGovukErrorSummary:
    def test_nothing_without_errors(self):
        assert render("{% govuk_error_summary form %}", form=PersonForm()).strip() == ""
        valid = PersonForm(data=VALID)
        assert valid.is_valid(), valid.errors
        assert render("{% govuk_error_summary form %}", form=valid).strip() == ""

    def test_links_to_each_field_in_page_order(self):
        form = PersonForm(data={**VALID, "given_name": "", "date_of_birth_2": "", "sex": ""})
        assert not form.is_valid()
        html = squash(render("{% govuk_error_summary form %}", form=form))
        assert 'data-module="govuk-error-summary"' in html
        assert '<div role="alert">' in html
        assert '<h2 class="govuk-error-summary__title">There is a problem</h2>' in html
        links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', html)
        assert links == [
            ("#id_given_name", "Enter the person&#x27;s given name"),
            ("#id_date_of_birth_0", "Date of birth must include a year"),
            ("#id_sex", "Select the person&#x27;s sex"),
        ]

    def test_non_field_errors_without_link(self):
        form = PersonForm(data={**VALID, "given_name": "Clash"})
        assert not form.is_valid()
        html = squash(render("{% govuk_error_summary form %}", form=form))
        assert "<li>This person is already known</li>" in html

    def test_list_of_forms(self):
        ok = PersonForm(data=VALID)
        bad = PersonForm(data={**VALID, "given_name": ""}, prefix="other")
        html = squash(render("{% govuk_error_summary forms %}", forms=[ok, bad]))
        assert '<a href="#id_other-given_name">' in html
        html = squash(render("{% govuk_error_summary first second %}", first=ok, second=bad))
        assert '<a href="#id_other-given_name">' in html


# ---------------------------------------------------------------------------
# Escaping
# ---------------------------------------------------------------------------


class TestEscaping:
    def test_values_labels_hints_and_errors_are_escaped(self):
        attack = '"><script>alert(1)</script>'

        class Evil(forms.Form):
            name = forms.CharField(label=f"Name {attack}", help_text=f"Hint {attack}")
            choice = forms.ChoiceField(
                label="Choice", choices=[("a", f"Label {attack}")], widget=forms.RadioSelect
            )
            when = GovukDateField(label="When")

            def clean_name(self):
                raise forms.ValidationError(f"Bad {attack}")

        form = Evil(data={"name": attack, "choice": "a", "when_0": attack, "when_1": "1", "when_2": "2000"})
        assert not form.is_valid()
        html = render(
            "{% govuk_error_summary form %}{% govuk_field form.name hint=hint %}{% govuk_field form.choice %}"
            "{% govuk_field form.when %}",
            form=form,
            hint=f"Override {attack}",
        )
        assert "<script>" not in html
        assert "&lt;script&gt;" in html
        assert 'value="&quot;&gt;&lt;script&gt;' in html


# ---------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------


class TestFilters:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("9434765919", "943 476 5919"),
            ("943 476 5919", "943 476 5919"),
            (9434765919, "943 476 5919"),
            ("12345", "12345"),
            ("", ""),
            (None, ""),
        ],
    )
    def test_nhs_number(self, value, expected):
        assert nhs_number(value) == expected

    def test_nhs_number_in_a_template_is_escaped(self):
        assert render("{{ v|nhs_number }}", v="<b>") == "&lt;b&gt;"
        assert render("{{ v|nhs_number }}", v="9434765919") == "943 476 5919"

    def test_govuk_date(self):
        assert govuk_date(datetime.date(2026, 1, 5)) == "5 January 2026"
        assert govuk_date(None) == ""

    def test_govuk_datetime_in_local_time(self):
        london = zoneinfo.ZoneInfo("Europe/London")
        assert govuk_date(datetime.datetime(2026, 1, 5, 14, 30, tzinfo=london)) == "5 January 2026 at 2:30pm"
        # 13:05 UTC in July is 2:05pm in London (BST).
        utc = datetime.datetime(2026, 7, 5, 13, 5, tzinfo=datetime.UTC)
        assert govuk_date(utc) == "5 July 2026 at 2:05pm"
        assert govuk_date(datetime.datetime(2026, 1, 5, 9, 0, tzinfo=london)) == "5 January 2026 at 9am"
        assert govuk_date(datetime.datetime(2026, 1, 5, 12, 0, tzinfo=london)) == "5 January 2026 at midday"
        assert govuk_date(datetime.datetime(2026, 1, 5, 0, 0, tzinfo=london)) == "5 January 2026 at midnight"

    def test_govuk_date_in_a_template(self):
        assert render("{{ d|govuk_date }}", d=datetime.date(2026, 3, 27)) == "27 March 2026"
