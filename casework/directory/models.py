"""The service directory, shaped as Open Referral UK 3.0: organisations, services, locations and taxonomies.

Ids are the feed's UUIDs, so re-importing a feed updates rows in place. The spelling follows the standard
(Organization). A few references may point outside this directory, as the standard's own examples do
(a parent organisation, a parent term, a term's taxonomy): they are kept as plain UUIDs, not foreign keys.
Collections that Casework never queries (schedules, service areas, languages, funding, cost options,
identifiers, accessibility, attributes of anything but a service) are kept as the feed gave them, as JSON.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from casework.directory.choices import AddressType, LocationType, ServiceStatus


class FeedRecord(models.Model):
    """Where a row came from, and when an import last changed it."""

    feed = models.TextField(blank=True, help_text="The file, URL or builder the row was last imported from.")
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class Organization(FeedRecord):
    """An organisation that runs services (ORUK's spelling, to keep it apart from accounts.Organisation)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.TextField()
    description = models.TextField(blank=True)
    email = models.TextField(blank=True)
    website = models.TextField(blank=True)
    logo = models.TextField(blank=True)
    uri = models.TextField(blank=True)
    parent_organization_id = models.UUIDField(null=True, blank=True)
    organization_identifiers = models.JSONField(default=list, blank=True)
    attributes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Service(FeedRecord):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="services"
    )
    name = models.TextField()
    description = models.TextField(blank=True)
    url = models.TextField(blank=True)
    email = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE)
    fees = models.TextField(blank=True)
    accreditations = models.TextField(blank=True)
    # HSDS 3.0 has it and the ORUK changelog names it as eligibility's replacement; served as a local extra.
    eligibility_description = models.TextField(blank=True)
    # Numbers in the standard; whole years in practice.
    minimum_age = models.FloatField(null=True, blank=True)
    maximum_age = models.FloatField(null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = models.TextField(blank=True)
    alert = models.TextField(blank=True)
    last_modified = models.DateTimeField(null=True, blank=True)
    schedules = models.JSONField(default=list, blank=True)
    service_areas = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    funding = models.JSONField(default=list, blank=True)
    cost_options = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["status", "name"], name="directory_service_status_name")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ServiceStatus.values), name="directory_service_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True) | Q(minimum_age__gte=0),
                name="directory_service_min_age_ok",
            ),
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=F("maximum_age")),
                name="directory_service_age_range_ok",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:service_detail", args=[self.pk])

    @property
    def age_range(self) -> str:
        """The ages the service is for, in words: "18 and over", "Up to 25", "16 to 25", or "" for any."""
        low = f"{self.minimum_age:g}" if self.minimum_age else None  # a minimum of 0 is no minimum
        high = f"{self.maximum_age:g}" if self.maximum_age is not None else None
        if low and high:
            return f"{low} to {high}"
        if low:
            return f"{low} and over"
        if high:
            return f"Up to {high}"
        return ""

    @property
    def web_url(self) -> str:
        """The service's website if it is an http(s) address; a feed's `javascript:` link is never shown."""
        return self.url if self.url.lower().startswith(("https://", "http://")) else ""

    @property
    def is_temporarily_closed(self) -> bool:
        return self.status == ServiceStatus.TEMPORARILY_CLOSED


class Location(FeedRecord):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location_type = models.CharField(
        max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    name = models.TextField(blank=True)
    description = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = models.TextField(blank=True, help_text="For example the UPRN of the building.")
    external_identifier_type = models.TextField(blank=True, help_text="For example UPRN.")
    accessibility = models.JSONField(default=list, blank=True)
    attributes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(location_type__in=LocationType.values), name="directory_location_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(self.pk)


class Address(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.TextField(blank=True)
    address_1 = models.TextField()
    city = models.TextField(blank=True)
    region = models.TextField(blank=True)
    state_province = models.TextField(blank=True)
    # A UK postcode in its normal form ("RG40 1AA"); anything else (a feed from abroad) as the feed gave it.
    postal_code = models.TextField(blank=True)
    # The outward code of a UK postcode ("RG40"), for searching by area; blank when there is none.
    postcode_district = models.CharField(max_length=4, blank=True, db_index=True)
    country = models.TextField(blank=True)
    address_type = models.CharField(max_length=10, choices=AddressType.choices, default=AddressType.PHYSICAL)
    attributes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["address_1", "id"]
        verbose_name_plural = "addresses"
        constraints = [
            models.CheckConstraint(
                condition=Q(address_type__in=AddressType.values), name="directory_address_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.address_1, self.city, self.postal_code) if part)


class ServiceAtLocation(FeedRecord):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations")

    class Meta:
        ordering = ["id"]
        verbose_name = "service at location"
        verbose_name_plural = "services at locations"

    def __str__(self) -> str:
        return f"{self.service_id} at {self.location_id}"


class Contact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="contacts")
    name = models.TextField(blank=True)
    title = models.TextField(blank=True)
    email = models.TextField(blank=True)
    attributes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name or str(self.pk)


class Phone(models.Model):
    """A phone number of a service, a contact or a location (as in HSDS 3.0; ORUK 3.0 has the entity)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    number = models.TextField()
    description = models.TextField(blank=True)
    languages = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["number", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(service__isnull=False) | Q(contact__isnull=False) | Q(location__isnull=False),
                name="directory_phone_has_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Taxonomy(FeedRecord):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.TextField()
    description = models.TextField(blank=True)
    uri = models.TextField(blank=True)
    version = models.TextField(blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(FeedRecord):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.TextField()
    description = models.TextField(blank=True)
    term = models.TextField(blank=True, db_index=True, help_text="The term's code in its taxonomy.")
    term_uri = models.TextField(blank=True)
    # ORUK's free-text "taxonomy" (the vocabulary's name), beside the optional taxonomy_id.
    taxonomy_name = models.TextField(blank=True)
    # Plain UUIDs: the parent term or the taxonomy may be outside this directory.
    taxonomy_id = models.UUIDField(null=True, blank=True, db_index=True)
    parent_id = models.UUIDField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ServiceAttribute(models.Model):
    """ORUK `attribute` on a service: tags the service with a taxonomy term (a need, a service type, ...)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="attributes")
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, on_delete=models.PROTECT, related_name="service_attributes"
    )
    link_type = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["taxonomy_term", "service"], name="directory_attribute_term")]

    def __str__(self) -> str:
        return f"{self.service_id} {self.link_type or 'tagged'} {self.taxonomy_term_id}"
