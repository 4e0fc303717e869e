"""The ORUK 3.0 importer: the standard's examples, every bad record reported, all or nothing, idempotent."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from casework.audit.models import AuditEvent
from casework.directory import importer, oruk
from casework.directory.importer import FeedUnreadable
from casework.directory.models import (
    Address,
    Contact,
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    ServiceAttribute,
    Taxonomy,
    TaxonomyTerm,
)
from casework.directory.selectors import service_get
from casework.directory.services import FeedRejected

from .conftest import (
    EXAMPLE_FILES,
    STANDARDS_DIR,
    contains,
    example,
    import_documents,
    page_of,
    service_record,
    uid,
)

EXAMPLE_SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
ALL_MODELS = (
    Organization,
    Service,
    Location,
    Address,
    ServiceAtLocation,
    Contact,
    Phone,
    Taxonomy,
    TaxonomyTerm,
    ServiceAttribute,
)


def _row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


def test_the_standards_examples_are_all_there():
    assert len(EXAMPLE_FILES) == 10, STANDARDS_DIR


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_every_example_of_the_standard_is_accepted(db, name):
    result = import_documents(example(name), feed=name)
    assert result.records == 1
    assert sum(c.created for c in result.counts.values()) >= 1


def test_a_full_service_is_stored_with_everything_it_nests(db):
    import_documents(example("service_full.json"))
    service = Service.objects.get(pk=EXAMPLE_SERVICE_ID)
    assert service.organization.name == "Example Organization Inc."
    assert (service.minimum_age, service.maximum_age) == (12, 100)
    assert service.last_modified.isoformat() == "2023-03-15T10:30:45.123000+00:00"
    location = Location.objects.get()
    assert (location.external_identifier, location.external_identifier_type) == ("10092008082", "UPRN")
    address = Address.objects.get()
    # Not a UK postcode: kept as given, with no district.
    assert (address.postal_code, address.postcode_district) == ("ABC 1234", "")
    assert service.attributes.get().taxonomy_term.term == "name"
    assert service.contacts.get().title == "Reception Manager"
    assert service.cost_options[0]["amount"] == 35


@pytest.mark.parametrize(
    "name", ["service_full.json", "organization_full.json", "service_at_location_full.json"]
)
def test_what_an_example_carries_is_served_back_the_same(db, name):
    data = example(name)
    import_documents(data)
    if name == "service_full.json":
        served, given = oruk.service(service_get(service_id=EXAMPLE_SERVICE_ID)), data
    elif name == "organization_full.json":
        served, given = oruk.service(service_get(service_id=EXAMPLE_SERVICE_ID)), data["services"][0]
        # Nested in an organisation, the service does not repeat it; the organisation it names is the same.
        assert contains(served["organization"], {k: v for k, v in data.items() if k != "services"}) == []
    else:
        from casework.directory.selectors import service_at_location_get

        served = oruk.service_at_location(service_at_location_get(service_at_location_id=data["id"]))
        given = data
    assert contains(served, given) == []


def test_a_feed_with_two_bad_records_reports_both_and_imports_nothing(db, needs):
    before = _row_counts()
    good = service_record(1)
    missing_name = service_record(2)
    del missing_name["name"]
    bad_status = service_record(3, status="open")
    bad_status["service_at_locations"][0]["location"]["addresses"][0].pop("postal_code")
    with pytest.raises(FeedRejected) as raised:
        import_documents(page_of([good, missing_name, bad_status]))
    problems = raised.value.problems
    assert {p.record for p in problems} == {2, 3}
    lines = [str(p) for p in problems]
    assert f"Record 2 (contents[1], id {uid('service', 2)}): name is required" in lines
    assert any(
        line.startswith("Record 3 (contents[2]")
        and line.endswith(
            'status: must be one of "active", "inactive", "defunct", "temporarily closed", not "open"'
        )
        for line in lines
    )
    assert any(
        "Record 3" in line
        and "service_at_locations[0].location.addresses[0]: postal_code is required" in line
        for line in lines
    )
    assert "2 records of the feed are not valid" in raised.value.message
    assert _row_counts() == before
    assert not Service.objects.exists()
    assert AuditEvent.objects.filter(verb="directory.feed_imported").count() == 1  # the needs taxonomy's only


def test_references_to_records_that_exist_nowhere_are_problems(db):
    record = service_record(1, needs=("food",))  # the needs taxonomy is not imported
    record.pop("organization")
    record["organization_id"] = uid("org", "nowhere")
    with pytest.raises(FeedRejected) as raised:
        import_documents(record)
    reasons = sorted(p.path + ": " + p.reason for p in raised.value.problems)
    assert reasons[0].startswith("attributes[0].taxonomy_term_id: names taxonomy term ")
    assert reasons[1] == (
        f"organization_id: names organization {uid('org', 'nowhere')}, which is neither in this "
        "feed nor in the directory"
    )


def test_references_to_records_already_in_the_directory_are_fine(db, needs):
    record = service_record(1)
    import_documents(record)
    sal = {"id": uid("sal", "again"), "service_id": record["id"], "location_id": uid("location", 1)}
    import_documents(sal, kind="service_at_location")
    assert ServiceAtLocation.objects.filter(pk=sal["id"], service_id=record["id"]).exists()


def test_ages_dates_and_self_references_are_checked(db, needs):
    record = service_record(1, min_age=70, max_age=18, assured_date="31/03/2024", last_modified="yesterday")
    with pytest.raises(FeedRejected) as raised:
        import_documents(record)
    reasons = {p.path: p.reason for p in raised.value.problems}
    assert reasons["minimum_age"] == "is 70, more than maximum_age 18"
    assert reasons["assured_date"].startswith("must be a date like 2024-03-31")
    assert reasons["last_modified"].startswith("must be a date and time")


def test_records_that_are_not_objects_or_of_no_known_kind_are_reported(db):
    with pytest.raises(FeedRejected) as raised:
        import_documents(page_of([5, {"id": uid("x"), "name": "What am I?"}]))
    reasons = [p.reason for p in raised.value.problems]
    assert reasons[0] == "must be a JSON object, not 5"
    assert reasons[1].startswith("cannot tell which kind of Open Referral record this is")


def test_the_kind_can_be_named_when_the_fields_do_not_tell(db):
    import_documents(
        {"id": uid("tax"), "name": "Plain", "description": "A taxonomy with nothing else"}, kind="taxonomy"
    )
    assert Taxonomy.objects.get().name == "Plain"


def test_reimporting_the_same_feed_changes_nothing(db, needs):
    feed = page_of([service_record(n, district=f"RG{n}") for n in (1, 2, 4)])
    first = import_documents(feed)
    before = _row_counts()
    second = import_documents(feed)
    assert _row_counts() == before
    assert first.counts["services"].created == 3
    assert second.counts["services"].created == second.counts["services"].updated == 0
    assert second.counts["services"].unchanged == 3
    assert all(c.created == c.updated == c.removed == 0 for c in second.counts.values())


def test_reimporting_updates_in_place_and_replaces_collections_given_in_full(db, needs):
    record = service_record(1, needs=("food", "housing"))
    import_documents(record)
    record["name"] = "Renamed service"
    record["contacts"] = []
    record["attributes"] = record["attributes"][:1]
    record["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] = "rg40 1aa"
    result = import_documents(record)
    service = Service.objects.get(pk=record["id"])
    assert service.name == "Renamed service"
    assert not service.contacts.exists()
    assert not Phone.objects.filter(contact__isnull=False).exists()
    assert [a.taxonomy_term.term for a in service.attributes.all()] == ["food"]
    assert Address.objects.get().postal_code == "RG40 1AA"
    assert Address.objects.get().postcode_district == "RG40"
    assert result.counts["contacts"].removed == 1
    assert result.counts["service attributes"].removed == 1
    assert Service.objects.count() == 1


def test_a_list_row_updates_the_service_without_dropping_what_it_does_not_carry(db, needs):
    record = service_record(1)
    import_documents(record)
    row = {key: record[key] for key in ("id", "name", "status", "description")}
    row["name"] = "From a list"
    import_documents(page_of([row]))
    service = Service.objects.get(pk=record["id"])
    assert service.name == "From a list"
    assert service.service_at_locations.count() == 1
    assert service.attributes.count() == 1


def test_a_dry_run_counts_but_saves_nothing(db, needs):
    before = _row_counts()
    result = import_documents(service_record(1), dry_run=True)
    assert result.dry_run and result.counts["services"].created == 1
    assert _row_counts() == before
    assert "would be imported" in result.summary()[0]


def test_an_import_is_audited(db, needs):
    import_documents(service_record(1), feed="https://directory.example.org/openreferral/services")
    event = AuditEvent.objects.filter(verb="directory.feed_imported").last()
    assert event.changes["feed"] == "https://directory.example.org/openreferral/services"
    assert event.changes["counts"]["services"]["created"] == 1


def test_a_file_url_is_read(db, tmp_path):
    path = tmp_path / "taxonomy.json"
    path.write_text(json.dumps(example("taxonomy.json")))
    documents = importer.load(path.as_uri())
    import_documents(*documents)
    assert TaxonomyTerm.objects.get().taxonomy_id == uuid.UUID("5c4d79d7-cc55-470e-9f1f-8cad074e4892")


class _Response(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_an_http_feed_is_followed_page_by_page(db, monkeypatch, needs):
    pages = {
        "1": {**page_of([service_record(1)]), "total_items": 2, "total_pages": 2, "last_page": False},
        "2": {
            **page_of([service_record(2)]),
            "total_items": 2,
            "total_pages": 2,
            "page_number": 2,
            "first_page": False,
        },
    }
    asked = []

    def fake_urlopen(request, timeout):
        asked.append(request.full_url)
        page = parse_qs(urlsplit(request.full_url).query).get("page", ["1"])[0]
        return _Response(json.dumps(pages[page]).encode())

    monkeypatch.setattr(importer, "urlopen", fake_urlopen)
    documents = importer.load("https://directory.example.org/openreferral/services?per_page=1")
    assert asked == [
        "https://directory.example.org/openreferral/services?per_page=1",
        "https://directory.example.org/openreferral/services?per_page=1&page=2",
    ]
    records = importer.records_of(documents)
    assert [r.where for r in records] == ["page 1, contents[0]", "page 2, contents[0]"]
    import_documents(*documents)
    assert Service.objects.count() == 2


def test_unreadable_feeds_say_why(tmp_path, monkeypatch):
    with pytest.raises(FeedUnreadable, match="There is no file at"):
        importer.load(str(tmp_path / "missing.json"))
    broken = tmp_path / "broken.json"
    broken.write_text('{"id": ')
    with pytest.raises(FeedUnreadable, match="is not valid JSON: Expecting value at line 1"):
        importer.load(str(broken))
    with pytest.raises(FeedUnreadable, match="not ftp:"):
        importer.load("ftp://example.org/feed.json")

    def refuse(request, timeout):
        import urllib.error

        raise urllib.error.HTTPError(request.full_url, 503, "Service Unavailable", {}, None)

    monkeypatch.setattr(importer, "urlopen", refuse)
    with pytest.raises(FeedUnreadable, match="answered HTTP 503"):
        importer.load("https://directory.example.org/openreferral/services")
    with pytest.raises(FeedUnreadable, match="must be an Open Referral UK record"):
        importer.records_of(["just a string"])


def test_the_importer_validates_against_the_vendored_standard():
    # The repository is self-contained: the importer's schemas are the vendored standard's, inside the
    # repository.
    repository = Path(__file__).resolve().parents[3]
    assert importer.SCHEMA_DIR == STANDARDS_DIR / "schema"
    assert STANDARDS_DIR.is_relative_to(repository)
    assert "Creative Commons Attribution Share-Alike 4.0" in (STANDARDS_DIR / "LICENSE").read_text()
    entities = importer.entity_schema_paths()
    assert len(entities) == 17 and not any(p.name == "openapi.json" for p in entities)
    registry = importer._registry()
    for path in entities:
        assert registry.contents(path.name) == json.loads(path.read_text()), path.name


def test_a_rejected_feed_leaves_what_the_directory_held_as_it_was(db, needs):
    import_documents(page_of([service_record(1), service_record(2)]))
    before = {s.pk: s.name for s in Service.objects.all()}
    renamed = service_record(1)
    renamed["name"] = "Renamed by a bad feed"
    broken = service_record(2)
    del broken["name"]
    with pytest.raises(FeedRejected) as raised:
        import_documents(page_of([renamed, broken, service_record(3)]))
    assert {p.record for p in raised.value.problems} == {2}
    assert {s.pk: s.name for s in Service.objects.all()} == before


def test_a_failure_part_way_through_writing_leaves_nothing_half_imported(db, needs, monkeypatch):
    from casework.directory import services as directory_services

    before = _row_counts()
    real_upsert = directory_services._upsert

    def fail_on_addresses(model, rows, **kwargs):
        if model is Address:
            raise RuntimeError("the database went away")
        return real_upsert(model, rows, **kwargs)

    monkeypatch.setattr(directory_services, "_upsert", fail_on_addresses)
    with pytest.raises(RuntimeError):
        import_documents(page_of([service_record(n) for n in (1, 2, 3)]))
    # Organisations, terms and locations were written before the failure; the transaction took them back.
    assert _row_counts() == before
