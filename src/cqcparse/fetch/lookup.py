"""Looking ids up: a provider's locations (through its paged list) and name, a location's data; each
answer kept for the rest of the run."""

from __future__ import annotations

from .api import Location, LocationPage, Provider, parse
from .client import ApiClient, ApiError, KeyRefused

MAX_PAGES = 10_000


class Lookup:
    def __init__(self, client: ApiClient, per_page: int):
        self.client, self.per_page = client, per_page
        self.providers: dict[str, str | None] = {}
        self.locations: dict[str, Location] = {}

    def provider_locations(self, provider_id: str) -> list[str]:
        """Every location of a provider: its paged list (until an empty page or the last of totalPages),
        then any of the provider's locationIds the pages did not have."""
        provider = parse(Provider, self.client.get_json(f"providers/{provider_id}", provider_id), provider_id)
        self.providers[provider_id] = provider.name
        ids: dict[str, None] = {}
        for page in range(1, MAX_PAGES + 1):
            try:
                data = self.client.get_json(
                    f"providers/{provider_id}/locations", provider_id, params={"page": page, "perPage": self.per_page}
                )
            except ApiError as e:
                if e.status != 404 or isinstance(e, KeyRefused):
                    raise
                break  # no paged list for this provider: its locationIds are all there is
            listing = parse(LocationPage, data, f"{provider_id} (page {page})")
            new = [ref.location_id for ref in listing.locations if ref.location_id not in ids]
            ids.update(dict.fromkeys(new))
            if not new or (listing.total_pages is not None and page >= listing.total_pages):
                break
        ids.update(dict.fromkeys(provider.location_ids))
        return list(ids)

    def location(self, location_id: str) -> Location:
        cached = self.locations.get(location_id)
        if cached is None:
            data = self.client.get_json(f"locations/{location_id}", location_id)
            parsed = parse(Location, data, location_id)
            cached = self.locations[location_id] = parsed.model_copy(update={"location_id": location_id})
        return cached

    def provider_name(self, provider_id: str | None) -> str | None:
        if not provider_id:
            return None
        if provider_id not in self.providers:
            try:
                data = self.client.get_json(f"providers/{provider_id}", provider_id)
                provider = parse(Provider, data, provider_id)
                self.providers[provider_id] = provider.name
            except ApiError as e:
                if isinstance(e, KeyRefused):
                    raise
                self.providers[provider_id] = None  # the name is a convenience: its absence is no failure
        return self.providers[provider_id]
