"""The documents page of a dossier: by step, each version with its facts; bounded queries."""
from datetime import date

import pytest

from app.core.db import db
from app.documents import services
from tests.documents import samples


def add(dossier, n, user=None):
    data = samples.pdf()
    for i in range(n):
        version = services.add_document(dossier, type="etude", etape=("adhesion", "cadre", "suivi")[i % 3],
                                        file_storage_or_bytes=data, filename=f"etude-{i}.pdf", user=user,
                                        titre=f"Étude {i}")
        services.add_version(dossier, version.document, file_storage_or_bytes=samples.png(),
                             filename=f"plan-{i}.png", user=user)
    db.session.commit()


def test_list_shows_documents_by_step_with_their_versions(client, login_as, place):
    user = login_as(place.porteur)
    add(place.dossier, 2, user)
    version = services.add_document(place.dossier, type="deliberation", etape="adhesion",
                                    collectivite_code=place.communes[0].insee,
                                    file_storage_or_bytes=samples.pdf(), filename="delib.pdf", user=user,
                                    deliberation_date=date(2026, 3, 2), deliberation_numero="2026-07")
    db.session.commit()
    page = client.get(f"/dossiers/{place.dossier.id}/documents").get_data(as_text=True)
    assert page.index("Convention d&#39;adhésion</h2>") < page.index("Convention-cadre</h2>")
    assert "Étude 0" in page and "Étude 1" in page
    assert "etude-0.pdf" in page and "plan-0.png" in page
    assert "Marie Porteuse" in page
    assert version.sha256[:12] in page
    assert "Délibération — Bourg-test" in page
    assert "Délibération n°&nbsp;2026-07 du 2 mars 2026" in page
    assert "En vigueur" in page
    assert f"PDF, {len(samples.pdf())} octets" in page and "PNG, " in page
    assert f"/documents/versions/{version.id}/telecharger" in page
    assert "Ajouter un document" in page


def test_empty_list_says_so(client, login_as, place):
    login_as(place.porteur)
    assert "Aucun document" in client.get(f"/dossiers/{place.dossier.id}/documents").get_data(as_text=True)


@pytest.mark.parametrize("user_kind", ["porteur", "anct"])
def test_list_queries_do_not_grow_with_the_number_of_documents(client, login_as, place, count_queries, user_kind):
    login_as(getattr(place, user_kind))
    url = f"/dossiers/{place.dossier.id}/documents"
    add(place.dossier, 2, place.porteur)
    client.get(url)  # warm-up: nothing cached should hide a query
    with count_queries() as few:
        assert client.get(url).status_code == 200
    add(place.dossier, 18, place.porteur)
    with count_queries() as many:
        page = client.get(url).get_data(as_text=True)
    assert page.count("Ajouter une version") == (20 if user_kind == "porteur" else 0)
    assert many.count == few.count, many.statements
    assert few.count <= 11, few.statements  # user, grants, dossier, communes, documents, versions, the withdrawal windows…
