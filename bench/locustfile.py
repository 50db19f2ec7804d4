"""The load test's users (run by bench/load.py; `locust -f bench/locustfile.py --host URL` by hand).

Each virtual user logs in through the real form (the CSRF token read from it) with a demo
account, then browses as that role does. Nothing it writes changes what the others read: the
porteurs upload a small PDF as a new "autre document" of their dossier's current step (a new
document each time, no deposit), the préfecture opens action pages without posting them.
Requests are named by page, not by URL, so that the figures group (e.g. "dossier", whatever
its id); "trivial" is the 404 page of a logged-in user (the base layout and the user).
"""
import io
import random
import re

from locust import HttpUser, between, task

PASSWORD = "jalons-demo-2026"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
DOSSIER = re.compile(r'href="/dossiers/(\d+)"')
ACTION = re.compile(r'href="(/dossiers/\d+/actions/[\w-]+)"')
LAST_PAGE = re.compile(r'[?&]page=(\d+)')
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
       b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
       b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n")


class Jalons(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    email = ""

    def on_start(self):
        page = self.client.get("/connexion", name="connexion (formulaire)")
        token = CSRF.search(page.text).group(1)
        with self.client.post("/connexion", name="connexion (envoi)", allow_redirects=False, catch_response=True,
                              data={"csrf_token": token, "email": self.email, "password": PASSWORD}) as answer:
            if answer.status_code != 302:
                answer.failure(f"connexion refusée ({answer.status_code})")
        self.dossiers = [int(i) for i in DOSSIER.findall(self.client.get("/", name="liste (après la connexion)").text)]

    def get(self, url, name, expect=200):
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as answer:
            if answer.status_code == expect:
                answer.success()  # the trivial page's 404 is what it should answer
            else:
                answer.failure(f"{answer.status_code} au lieu de {expect}")
            return answer

    @task(1)
    def trivial(self):
        self.get("/page-qui-n-existe-pas", "trivial (404 connecté)", expect=404)

    @task(1)
    def healthz(self):
        self.get("/healthz", "/healthz")


class Prefecture(Jalons):
    """Agents of the Charente-Maritime instructing: list, workspace, dossier pages, an action page."""
    weight = 4
    email = "prefecture@jalons.example"

    @task(3)
    def liste(self):
        self.get("/", "liste (préfecture)")

    @task(3)
    def instruction(self):
        self.get("/instruction", "instruction")

    @task(5)
    def dossier(self):
        if not self.dossiers:
            return
        page = self.get(f"/dossiers/{random.choice(self.dossiers)}", "dossier (préfecture)")
        actions = ACTION.findall(page.text)
        if actions:
            self.get(random.choice(actions), "page d'action")


class Porteur(Jalons):
    """The chef de projet of Jonzac writing the convention-cadre: its pages, one upload."""
    weight = 3
    email = "chef-de-projet@jalons.example"

    @task(4)
    def dossier(self):
        if self.dossiers:
            self.get(f"/dossiers/{self.dossiers[0]}", "dossier (porteur)")

    @task(2)
    def documents(self):
        if self.dossiers:
            self.get(f"/dossiers/{self.dossiers[0]}/documents", "documents")

    @task(2)
    def projet(self):
        if self.dossiers:
            self.get(f"/dossiers/{self.dossiers[0]}/projet", "projet")

    @task(1)
    def upload(self):
        if not self.dossiers:
            return
        url = f"/dossiers/{self.dossiers[0]}/documents/nouveau"
        form = self.get(url, "dépôt d'un document (formulaire)")
        token = CSRF.search(form.text)
        if token is None:
            return
        with self.client.post(url, name="dépôt d'un document (envoi)", allow_redirects=False, catch_response=True,
                              data={"csrf_token": token.group(1), "type": "autre", "etape": "cadre",
                                    "titre": "Note de charge", "retour": "dossier"},
                              files={"fichier": ("note.pdf", io.BytesIO(PDF), "application/pdf")}) as answer:
            if answer.status_code != 302:
                answer.failure(f"dépôt refusé ({answer.status_code})")


class Partenaire(Jalons):
    """The Banque des territoires in Nouvelle-Aquitaine, reading."""
    weight = 2
    email = "partenaire@jalons.example"

    @task(2)
    def liste(self):
        self.get("/", "liste (partenaire)")

    @task(3)
    def dossier(self):
        if self.dossiers:
            self.get(f"/dossiers/{random.choice(self.dossiers)}", "dossier (partenaire)")


class Anct(Jalons):
    """The programme direction: the national list, its middle page, the CSV export."""
    weight = 1
    email = "anct@jalons.example"

    def on_start(self):
        super().on_start()
        pages = [int(n) for n in LAST_PAGE.findall(self.client.get("/", name="liste (après la connexion)").text)]
        self.middle = max(pages, default=2) // 2 or 1

    @task(3)
    def liste(self):
        self.get("/", "liste nationale, page 1")

    @task(3)
    def milieu(self):
        self.get(f"/?page={self.middle}", "liste nationale, page du milieu")

    @task(1)
    def depassees(self):
        self.get("/?echeance=depassee", "liste nationale, échéance dépassée")

    @task(1)
    def export(self):
        self.get("/exports/dossiers.csv", "export des dossiers (CSV)")
